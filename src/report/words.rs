//! Figures as a family reads them in a letter: "£825" rather than "GBP 825.00", "1 September
//! 2021" rather than "2021-09-01", "a walking route of at least 3 miles" rather than "walking
//! route >= 3 mi". The exact forms stay in the figures table and the panel's sections.

/// Pounds, with pence only when there are any, and thousands separated: "£825", "£1,237.50".
pub fn pounds(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let p = pence.unsigned_abs();
    let grouped = thousands(&(p / 100).to_string());
    match p % 100 {
        0 => format!("{sign}£{grouped}"),
        pennies => format!("{sign}£{grouped}.{pennies:02}"),
    }
}

/// Metres to a tenth, thousands separated: "2,572.8".
pub fn metres(m: f64) -> String {
    let text = format!("{m:.1}");
    let (whole, tenth) = text.split_once('.').unwrap_or((&text, "0"));
    let (sign, digits) = whole.strip_prefix('-').map_or(("", whole), |d| ("-", d));
    format!("{sign}{}.{tenth}", thousands(digits))
}

/// Digits with a comma between each group of three: "1234567" as "1,234,567".
fn thousands(digits: &str) -> String {
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

/// The text with its first letter a capital.
pub fn upper_first(t: &str) -> String {
    let mut c = t.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Text with each amount written "GBP 0.73" (as decisions state them) written "£0.73".
pub fn pounds_in(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("GBP ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 4..];
        let n = after
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
            .unwrap_or(after.len());
        let amount = after[..n].trim_end_matches(['.', ',']);
        let pence = amount
            .replace(',', "")
            .parse::<f64>()
            .ok()
            .filter(|_| !amount.is_empty());
        match pence {
            Some(v) => {
                out.push_str(&pounds((v * 100.0).round() as i64));
                rest = &after[amount.len()..];
            }
            None => {
                out.push_str("GBP ");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// An officer's sentence as a family reads it: dates in words ("31 August 2022"), limits in
/// words ("walking route > 3 mi" as "a walking route of more than 3 miles"), other distances in
/// miles ("2.134 mi" as "2.134 miles") and amounts in pounds ("GBP 825.00" as "£825").
pub fn plain(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        // A limit: "walking route >= 3 mi", "driven route < 6 mi", "straight line >= 2 mi".
        if let (Some(&[a, b, op, n, last]), true) = (
            words.get(i..i + 5),
            matches!(words.get(i + 1), Some(&"route" | &"line")),
        ) {
            if let (Some(tail), Some(how), Ok(v)) =
                (mi_tail(last), comparison(op), n.parse::<f64>())
            {
                out.push(format!("{a} {b} of {how} {}{tail}", miles(v)));
                i += 5;
                continue;
            }
        }
        // A bare comparison: ">= 3 mi" as "at least 3 miles".
        if let Some(&[op, n, last]) = words.get(i..i + 3) {
            if let (Some(tail), Some(how), Ok(v)) =
                (mi_tail(last), comparison(op), n.parse::<f64>())
            {
                out.push(format!("{how} {}{tail}", miles(v)));
                i += 3;
                continue;
            }
        }
        let w = words[i];
        let core = w.trim_end_matches([',', '.', ';', ':', ')']);
        let tail = &w[core.len()..];
        let lead = core.len() - core.trim_start_matches('(').len();
        let (open, body) = core.split_at(lead);
        let number = out
            .last()
            .and_then(|p| p.trim_start_matches('(').parse::<f64>().ok());
        if body.len() == 10 && chrono::NaiveDate::parse_from_str(body, "%Y-%m-%d").is_ok() {
            out.push(format!("{open}{}{tail}", date(body)));
        } else if let (Some(t), Some(n)) = (mi_tail(w), number) {
            out.push(format!("{}{t}", if n == 1.0 { "mile" } else { "miles" }));
        } else {
            out.push(w.to_string());
        }
        i += 1;
    }
    pounds_in(&out.join(" "))
}

/// A word "mi", perhaps with punctuation after it ("mi;"): the punctuation.
fn mi_tail(w: &str) -> Option<&str> {
    w.strip_prefix("mi")
        .filter(|t| t.chars().all(|c| !c.is_alphanumeric()))
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

/// A limit's comparison and miles, from its text as the decision states it ("walking route >= 3
/// mi"), when it is a limit on that route ("walking" or "driven").
fn limit_on(text: &str, route: &str) -> Option<(&'static str, f64)> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [a, "route", op, n, "mi"] = parts.as_slice() else {
        return None;
    };
    if *a != route {
        return None;
    }
    Some((comparison(op)?, n.parse().ok()?))
}

fn meets(how: &str, value: f64, limit: f64) -> bool {
    match how {
        "at least" => value >= limit,
        "more than" => value > limit,
        "less than" => value < limit,
        _ => value <= limit,
    }
}

/// A distance as a family reads it: "1.6 miles", to one decimal place, or to two or three where
/// one would put it on the other side of a limit it is compared with (2.96 miles is not "3.0
/// miles" beside "at least 3 miles"). `route` names the limits that apply ("walking" or
/// "driven"); the exact figure is in the panel's sections.
pub fn family_miles(metres: f64, route: &str, limits: &[String]) -> String {
    let mile = crate::units::METRES_PER_MILE;
    let exact = metres / mile;
    let limits: Vec<(&str, f64)> = limits.iter().filter_map(|l| limit_on(l, route)).collect();
    for places in 1..=3 {
        let f = 10f64.powi(places);
        let mut rounded = (exact * f).round() / f;
        // Compared in metres, as the decision compares them.
        let same_side = |v: f64| {
            limits
                .iter()
                .all(|&(how, n)| meets(how, v * mile, n * mile) == meets(how, metres, n * mile))
        };
        if !same_side(rounded) && places == 3 {
            // Within a thousandth of a limit: cut towards the exact figure's side of it.
            let other = if rounded > exact {
                (exact * f).floor() / f
            } else {
                (exact * f).ceil() / f
            };
            if same_side(other) {
                rounded = other;
            }
        }
        if same_side(rounded) || places == 3 {
            let text = format!("{rounded:.*}", places as usize);
            return if text == "1.0" || text == "1.00" || text == "1.000" {
                format!("{text} mile")
            } else {
                format!("{text} miles")
            };
        }
    }
    unreachable!("the loop returns at three places")
}

/// A school entrance as a family reads it: a named gate is "the Worgret Road main gate"; an
/// entrance found from the map's outline of the school ("nearest point of the site boundary to
/// footway osm:4780 (5 m away)", "where footway osm:12 meets the site boundary") is "the nearest
/// point of the school grounds on <street>" (the street the walk arrives on, when it has a name);
/// a school measured to its site reference point is "the school".
pub fn entrance(name: &str, street: Option<&str>) -> String {
    let inferred = name.contains("osm:") && name.contains("site boundary");
    if inferred {
        return match street {
            Some(s) => format!("the nearest point of the school grounds on {s}"),
            None => "the nearest point of the school grounds to the path".into(),
        };
    }
    if name.contains("site reference point") {
        return "the school".into();
    }
    if name.to_lowercase().starts_with("the ") {
        name.to_string()
    } else {
        format!("the {name}")
    }
}

/// A road or path as the network names it, or "the road" for an unnamed one (named by its edge
/// id, which means nothing to a family).
pub fn road(name: &str) -> String {
    if name.starts_with("edge ") || name.contains("osm:") || name.is_empty() {
        "the road".into()
    } else {
        name.to_string()
    }
}

/// An academic year as written in a policy ("2022-23") in words ("2022 to 2023").
pub fn academic_year(y: &str) -> String {
    match y.split_once('-') {
        Some((a, b))
            if a.len() == 4
                && b.len() == 2
                && a.chars().chain(b.chars()).all(|c| c.is_ascii_digit()) =>
        {
            format!("{a} to {}{b}", &a[..2])
        }
        _ => y.to_string(),
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

    #[test]
    fn family_distances_never_cross_a_limit() {
        let m = crate::units::METRES_PER_MILE;
        let l = vec!["walking route >= 3 mi".to_string()];
        assert_eq!(family_miles(1.599 * m, "walking", &l), "1.6 miles");
        assert_eq!(family_miles(2.96 * m, "walking", &l), "2.96 miles");
        assert_eq!(family_miles(2.9996 * m, "walking", &l), "2.999 miles");
        assert_eq!(family_miles(3.0 * m, "walking", &l), "3.0 miles");
        let more = vec!["walking route > 2 mi".to_string()];
        assert_eq!(family_miles(2.0004 * m, "walking", &more), "2.001 miles");
        assert_eq!(family_miles(3.04 * m, "walking", &l), "3.0 miles");
        // Driven limits leave walking distances alone.
        let d = vec!["driven route < 6 mi".to_string()];
        assert_eq!(family_miles(5.97 * m, "walking", &d), "6.0 miles");
        assert_eq!(family_miles(5.97 * m, "driven", &d), "5.97 miles");
        assert_eq!(family_miles(1.02 * m, "walking", &[]), "1.0 mile");
        assert_eq!(
            entrance(
                "nearest point of the site boundary to footway osm:478061978 (5 m away)",
                Some("Pamphill Lane")
            ),
            "the nearest point of the school grounds on Pamphill Lane"
        );
        assert_eq!(
            entrance("Kingston Maurward main drive gate", None),
            "the Kingston Maurward main drive gate"
        );
        assert_eq!(road("edge 12"), "the road");
        assert_eq!(road("Hardy's Cottage Lane"), "Hardy's Cottage Lane");
        assert_eq!(academic_year("2022-23"), "2022 to 2023");
        assert_eq!(academic_year("2022/23"), "2022/23");
        assert_eq!(metres(2572.84), "2,572.8");
        assert_eq!(
            pounds_in("paid at GBP 0.73 per journey, GBP 825.00."),
            "paid at £0.73 per journey, £825."
        );
        assert_eq!(pounds_in("GBP x"), "GBP x");
        assert_eq!(
            plain("Met: aged 16 on 2022-08-31, under 19"),
            "Met: aged 16 on 31 August 2022, under 19"
        );
        assert_eq!(
            plain("Not met: walking route > 3 mi (Live over 3 miles)"),
            "Not met: walking route of more than 3 miles (Live over 3 miles)"
        );
        assert_eq!(
            plain("nearest by straight line (2.134 mi); charge GBP 412.50."),
            "nearest by straight line (2.134 miles); charge £412.50."
        );
        assert_eq!(
            plain("route: 2.134 mi; the limit is >= 3 mi, which is not met"),
            "route: 2.134 miles; the limit is at least 3 miles, which is not met"
        );
        assert_eq!(
            plain("straight line < 2 mi. 1 mi away, mid way, 3 mine"),
            "straight line of less than 2 miles. 1 mile away, mid way, 3 mine"
        );
        assert_eq!(metres(572.0), "572.0");
        assert_eq!(metres(1234567.25), "1,234,567.2");
    }
}
