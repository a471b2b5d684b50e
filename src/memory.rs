//! Running out of memory, noticed instead of fatal. In WebAssembly an allocation that fails
//! aborts the whole app, so the allocator ([`Reserve`]) holds a reserve: when memory runs out it
//! lets the reserve go, which lets the work in hand carry on to a point where it can stop, and
//! says so ([`ran_low`]); an import then gives up with a message and drops what it read.
//! Large buffers are grown with `try_reserve`, which fails without aborting.

use std::alloc::{GlobalAlloc, Layout};
use std::ptr::null_mut;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

/// How much the reserve holds: room for the work between two checks of [`ran_low`].
pub const RESERVE_BYTES: usize = 16 * 1024 * 1024;

/// An allocator that keeps [`RESERVE_BYTES`] aside, once [armed](Self::arm), for when `inner`
/// runs out.
pub struct Reserve<A> {
    inner: A,
    reserve: AtomicPtr<u8>,
    ran_low: AtomicBool,
}

fn reserve_layout() -> Layout {
    Layout::from_size_align(RESERVE_BYTES, 16).unwrap_or(Layout::new::<u8>())
}

impl<A: GlobalAlloc> Reserve<A> {
    /// An allocator over `inner`, without a reserve until it is armed.
    pub const fn new(inner: A) -> Self {
        Self {
            inner,
            reserve: AtomicPtr::new(null_mut()),
            ran_low: AtomicBool::new(false),
        }
    }

    /// Sets the reserve aside (if it is not) and forgets that memory ran low; false if there is
    /// no memory for it.
    pub fn arm(&self) -> bool {
        self.ran_low.store(false, Ordering::SeqCst);
        if !self.reserve.load(Ordering::SeqCst).is_null() {
            return true;
        }
        // SAFETY: the layout has a non-zero size.
        let block = unsafe { self.inner.alloc(reserve_layout()) };
        self.reserve.store(block, Ordering::SeqCst);
        !block.is_null()
    }

    /// True once an allocation has failed since the reserve was last armed.
    pub fn ran_low(&self) -> bool {
        self.ran_low.load(Ordering::SeqCst)
    }

    /// Memory ran out: notes it, and lets the reserve go; true if there was one to let go.
    fn release(&self) -> bool {
        self.ran_low.store(true, Ordering::SeqCst);
        let block = self.reserve.swap(null_mut(), Ordering::SeqCst);
        if block.is_null() {
            return false;
        }
        // SAFETY: `block` came from `inner.alloc` with this layout and was not freed (the swap
        // took it out of the allocator's hands).
        unsafe { self.inner.dealloc(block, reserve_layout()) };
        true
    }

    /// Tries `allocate`; if it fails, lets the reserve go and tries once more.
    fn with_reserve(&self, allocate: impl Fn() -> *mut u8) -> *mut u8 {
        let pointer = allocate();
        if !pointer.is_null() || !self.release() {
            return pointer;
        }
        allocate()
    }
}

// SAFETY: every call is passed on to `inner` unchanged; a failed one is retried once after the
// reserve (a block `inner` allocated) is freed, which `GlobalAlloc` allows.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Reserve<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as the caller promised for `layout`.
        self.with_reserve(|| unsafe { self.inner.alloc(layout) })
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as the caller promised for `layout`.
        self.with_reserve(|| unsafe { self.inner.alloc_zeroed(layout) })
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: as the caller promised for `pointer` and `layout`.
        unsafe { self.inner.dealloc(pointer, layout) }
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as the caller promised; a failed `realloc` leaves `pointer` as it was.
        self.with_reserve(|| unsafe { self.inner.realloc(pointer, layout, new_size) })
    }
}

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: Reserve<std::alloc::System> = Reserve::new(std::alloc::System);

/// Sets the reserve aside and forgets that memory ran low (before an import).
pub fn arm() {
    #[cfg(target_arch = "wasm32")]
    ALLOCATOR.arm();
}

/// True once memory has run out since the reserve was armed.
pub fn ran_low() -> bool {
    #[cfg(target_arch = "wasm32")]
    return ALLOCATOR.ran_low();
    #[cfg(not(target_arch = "wasm32"))]
    false
}

#[cfg(test)]
mod tests {
    use std::alloc::System;
    use std::sync::atomic::AtomicUsize;

    use super::*;

    /// The system's allocator, limited to `limit` bytes live at a time.
    struct Limited {
        live: AtomicUsize,
        limit: usize,
    }

    unsafe impl GlobalAlloc for Limited {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            if self.live.load(Ordering::SeqCst) + layout.size() > self.limit {
                return null_mut();
            }
            self.live.fetch_add(layout.size(), Ordering::SeqCst);
            unsafe { System.alloc(layout) }
        }

        unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
            self.live.fetch_sub(layout.size(), Ordering::SeqCst);
            unsafe { System.dealloc(pointer, layout) }
        }
    }

    #[test]
    fn the_reserve_is_let_go_when_memory_runs_out_and_that_is_noted() {
        let allocator = Reserve::new(Limited {
            live: AtomicUsize::new(0),
            limit: RESERVE_BYTES + 1024,
        });
        assert!(allocator.arm());
        let small = Layout::from_size_align(512, 8).unwrap();
        let big = Layout::from_size_align(4096, 8).unwrap();
        unsafe {
            let first = allocator.alloc(small);
            assert!(!first.is_null());
            assert!(!allocator.ran_low());
            // Past the limit: the reserve is let go, and the allocation succeeds.
            let second = allocator.alloc(big);
            assert!(!second.is_null());
            assert!(allocator.ran_low());
            // No reserve left: a failure is a failure.
            let too_much = allocator.alloc(Layout::from_size_align(RESERVE_BYTES, 8).unwrap());
            assert!(too_much.is_null());
            allocator.dealloc(second, big);
            allocator.dealloc(first, small);
        }
        assert!(allocator.arm(), "re-armed once memory is free again");
        assert!(!allocator.ran_low());
    }
}
