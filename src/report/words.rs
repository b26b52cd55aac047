//! Figures as a family reads them in a letter: "£825" rather than "GBP 825.00", "1 September
//! 2021" rather than "2021-09-01", "a walking route of at least 3 miles" rather than "walking
//! route >= 3 mi". The exact forms stay in the figures table and the panel's sections.

/// Pounds, with pence only when there are any, and thousands separated: "£825", "£1,237.50".
pub fn pounds(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let p = pence.unsigned_abs();
    let whole = (p / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match p % 100 {
        0 => format!("{sign}£{grouped}"),
        pennies => format!("{sign}£{grouped}.{pennies:02}"),
    }
}

/// An ISO date (YYYY-MM-DD) as "1 September 2021"; any other text as it is.
pub fn date(iso: &str) -> String {
    match chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
        Ok(d) => d.format("%-d %B %Y").to_string(),
        Err(_) => iso.to_string(),
    }
}

/// A comparison's symbol as a family reads it: ">=" is "at least".
pub fn comparison(symbol: &str) -> Option<&'static str> {
    Some(match symbol {
        ">=" => "at least",
        ">" => "more than",
        "<" => "less than",
        "<=" => "no more than",
        _ => return None,
    })
}

/// Miles as written in a letter: "3 miles", "0.75 miles", "1 mile".
pub fn miles(miles: f64) -> String {
    if miles == 1.0 {
        "1 mile".into()
    } else {
        format!("{miles} miles")
    }
}

/// A limit as the decision states it ("walking route >= 3 mi") in words ("a walking route of at
/// least 3 miles"); any other text as it is.
pub fn limit(text: &str) -> String {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [a, b, op, n, "mi"] = parts.as_slice() else {
        return text.to_string();
    };
    match (comparison(op), n.parse::<f64>()) {
        (Some(how), Ok(n)) => format!("a {a} {b} of {how} {}", miles(n)),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_in_words() {
        assert_eq!(pounds(82_500), "£825");
        assert_eq!(pounds(123_750), "£1,237.50");
        assert_eq!(pounds(5), "£0.05");
        assert_eq!(pounds(100_000_000), "£1,000,000");
        assert_eq!(date("2021-09-01"), "1 September 2021");
        assert_eq!(date("2022-07-24"), "24 July 2022");
        assert_eq!(date("soon"), "soon");
        assert_eq!(
            limit("walking route >= 3 mi"),
            "a walking route of at least 3 miles"
        );
        assert_eq!(
            limit("driven route < 6 mi"),
            "a driven route of less than 6 miles"
        );
        assert_eq!(
            limit("walking route > 1 mi"),
            "a walking route of more than 1 mile"
        );
        assert_eq!(limit("something else"), "something else");
    }
}
