//! A calendar day (no time, no zone): when a reading started or finished, when a book was added,
//! lent or is due. Read from "2026-03-14" (or Goodreads' "2026/03/14"), written as
//! "2026-03-14", and counted in days for due dates.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Field, ValidationError, ValidationErrorKind};

/// A day of the proleptic Gregorian calendar, from year 1 to 9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

fn leap(year: u16) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    /// 1970-01-01, day 0 of [`Date::days_since_epoch`].
    pub const EPOCH: Date = Date {
        year: 1970,
        month: 1,
        day: 1,
    };

    /// The day `year`-`month`-`day`, if there is one.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let real = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        real.then_some(Date { year, month, day })
    }

    /// A date as typed for `field`: "2026-03-14" or "2026/03/14" (leading zeros optional; the
    /// year in four digits, so that a day-first date is never misread); empty is none.
    pub fn parse(field: Field, text: &str) -> Result<Option<Date>, ValidationError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        // The year in four digits: "0999" is a year (as dates are written), "14" is not.
        let four_digit_year = text
            .split(['-', '/'])
            .next()
            .is_some_and(|year| year.trim().len() == 4);
        let mut parts = text
            .split(['-', '/'])
            .map(|part| part.trim().parse::<u16>().ok());
        let date = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(Some(year)), Some(Some(month)), Some(Some(day)), None) if four_digit_year => {
                u8::try_from(month)
                    .ok()
                    .zip(u8::try_from(day).ok())
                    .and_then(|(month, day)| Date::new(year, month, day))
            }
            _ => None,
        };
        date.map(Some).ok_or(ValidationError {
            field,
            kind: ValidationErrorKind::NotADate,
        })
    }

    /// The year (1 to 9999).
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1 (January) to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let (month, day) = (i64::from(self.month), i64::from(self.day));
        let year = i64::from(self.year) - i64::from(month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The day `days` days after 1970-01-01, if it is in years 1 to 9999.
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        // Howard Hinnant's civil_from_days.
        let days = days + 719_468;
        let era = days.div_euclid(146_097);
        let day_of_era = days - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_part = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * month_part + 2) / 5 + 1;
        let month = if month_part < 10 {
            month_part + 3
        } else {
            month_part - 9
        };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        Date::new(
            u16::try_from(year).ok()?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        )
    }

    /// The day `days` later (earlier when negative), if it is in years 1 to 9999.
    pub fn plus_days(self, days: i64) -> Option<Date> {
        Date::from_days_since_epoch(self.days_since_epoch() + days)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        match Date::parse(Field::Started, &text) {
            Ok(Some(date)) => Ok(date),
            _ => Err(serde::de::Error::custom(format!(
                "“{text}” is not a date written as year-month-day"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_day_written_reads_back_years_before_1000_included() {
        for (year, month, day) in [(1, 1, 1), (999, 12, 31), (1000, 1, 1), (9999, 12, 31)] {
            let date = Date::new(year, month, day).unwrap();
            assert_eq!(
                Date::parse(Field::Started, &date.to_string()),
                Ok(Some(date))
            );
        }
        assert!(
            Date::parse(Field::Started, "14/03/2026").is_err(),
            "day first"
        );
        assert!(
            Date::parse(Field::Started, "999-01-01").is_err(),
            "three digits"
        );
    }

    fn date(text: &str) -> Date {
        Date::parse(Field::Started, text).unwrap().unwrap()
    }

    #[test]
    fn dates_are_read_in_both_ways_of_writing_them_and_written_in_one() {
        assert_eq!(date("2026-03-14").to_string(), "2026-03-14");
        assert_eq!(date("2026/3/4").to_string(), "2026-03-04");
        assert_eq!(date(" 2024-02-29 ").to_string(), "2024-02-29");
        assert_eq!(Date::parse(Field::Started, ""), Ok(None));
        for bad in [
            "2023-02-29",
            "2026-13-01",
            "2026-00-10",
            "14/03/2026",
            "2026-03",
            "soon",
            "2026-03-14-1",
        ] {
            let error = Date::parse(Field::Finished, bad).unwrap_err();
            assert_eq!(error.kind, ValidationErrorKind::NotADate, "{bad}");
            assert!(
                error.to_string().starts_with("Finished must be a date"),
                "{error}"
            );
        }
    }

    #[test]
    fn days_count_across_months_years_and_leap_days() {
        assert_eq!(date("1970-01-01").days_since_epoch(), 0);
        assert_eq!(date("2000-03-01").days_since_epoch(), 11_017);
        assert_eq!(date("2026-12-25").plus_days(14), Some(date("2027-01-08")));
        assert_eq!(date("2024-02-20").plus_days(14), Some(date("2024-03-05")));
        assert_eq!(date("1969-12-31").days_since_epoch(), -1);
        for (year, month, day) in [(1, 1, 1), (1600, 2, 29), (9999, 12, 31), (2026, 12, 1)] {
            let day = Date::new(year, month, day).unwrap();
            assert_eq!(
                Date::from_days_since_epoch(day.days_since_epoch()),
                Some(day)
            );
        }
        assert_eq!(date("9999-12-31").plus_days(1), None);
        assert_eq!(Date::new(1, 1, 1).unwrap().plus_days(-1), None);
    }

    #[test]
    fn dates_order_by_day_and_travel_through_json_as_text() {
        assert!(date("2025-12-31") < date("2026-01-01"));
        let json = serde_json::to_string(&date("2026-03-14")).unwrap();
        assert_eq!(json, "\"2026-03-14\"");
        assert_eq!(
            serde_json::from_str::<Date>(&json).unwrap(),
            date("2026-03-14")
        );
        assert!(serde_json::from_str::<Date>("\"2026-02-30\"").is_err());
    }
}
