//! The pieces of a report page: escaping, the page shell with its inline CSS, figures with
//! their inline SVG, tables, lists and the manifest. Everything a user wrote (names,
//! descriptions, overrides) goes through [`escape`].

use std::fmt::Write as _;

use crate::output::summary::Manifest;

/// `text` with `&`, `<`, `>`, `"` and `'` escaped, safe in HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A whole number with thousands separators: `1,000` (rounded; `–` if not finite).
pub fn thousands(n: f64) -> String {
    if n.is_finite() {
        crate::output::thousands(n.round() as i64)
    } else {
        "–".to_owned()
    }
}

/// A share as a percentage: `87%`, `99.5%`, `0.3%`. A share that is neither 0 nor 1 never
/// reads as `0%` or `100%`.
pub fn percent(share: f64) -> String {
    let p = 100.0 * share;
    if p > 0.0 && p < 1.0 {
        format!("{:.1}%", ((p * 10.0).ceil() / 10.0).clamp(0.1, 0.9))
    } else if p > 99.0 && p < 100.0 {
        format!("{:.1}%", ((p * 10.0).floor() / 10.0).min(99.9))
    } else if p < 10.0 && (p - p.round()).abs() >= 0.05 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

/// The inline style sheet: readable text, tables and figures that fit the window, and print.
const STYLE: &str = "
:root { --ink: #212121; --muted: #5f5f5f; --rule: #d7d7d7; --band: #f6f6f3; --accent: #1f5fbf; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 16px/1.5 'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 1.8rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--rule); }
h3 { font-size: 1.05rem; margin: 18px 0 6px; }
p.sub, .muted { color: var(--muted); }
p.description { font-size: 1.05rem; max-width: 60em; }
nav { margin: 10px 0 0; font-size: 0.95rem; }
nav a { margin-right: 14px; color: var(--accent); }
ul.outcomes { padding-left: 1.2em; max-width: 64em; }
ul.outcomes li { margin: 4px 0; }
figure { margin: 18px 0 28px; padding: 0; }
figure svg { display: block; width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: 0.95rem; margin-top: 6px; max-width: 64em; }
figcaption b { color: var(--ink); }
table { border-collapse: collapse; margin: 8px 0 20px; font-size: 0.92rem; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { background: var(--band); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
.side-by-side { display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 14px; background: var(--band); }
.card h3 { margin-top: 4px; }
.card ul { padding-left: 1.1em; margin: 6px 0; }
dl.manifest { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dl.manifest dt { font-weight: bold; }
dl.manifest dd { margin: 0; overflow-wrap: anywhere; }
code, pre { font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 0.9rem; }
pre { background: var(--band); border: 1px solid var(--rule); padding: 8px 12px; overflow-x: auto; white-space: pre-wrap; }
footer { margin-top: 40px; color: var(--muted); font-size: 0.85rem; }
@media print { main { max-width: none; } figure { break-inside: avoid; } }
";

/// A page: `title` (plain text), then `body` (HTML), in a self-contained document.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"strife {version}\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}\
         <footer>Written by strife {version}. Self-contained: the plots are inline SVG; \
         nothing is loaded from the network.</footer>\n</main>\n</body>\n</html>\n",
        version = env!("CARGO_PKG_VERSION"),
        title = escape(title),
    )
}

/// The page header: title, a line of context, the scenario's description and links to the
/// sections.
pub fn header(title: &str, context: &str, description: &str, sections: &[(&str, &str)]) -> String {
    let mut out = format!(
        "<header>\n<h1>{}</h1>\n<p class=\"sub\">{}</p>\n",
        escape(title),
        escape(context)
    );
    if !description.trim().is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"description\">{}</p>",
            escape(description.trim())
        );
    }
    out.push_str("<nav>");
    for (id, name) in sections {
        let _ = write!(out, "<a href=\"#{id}\">{}</a>", escape(name));
    }
    out.push_str("</nav>\n</header>\n");
    out
}

/// A section with an id and a heading, around `inner` (HTML).
pub fn section(id: &str, heading: &str, inner: &str) -> String {
    format!(
        "<section id=\"{id}\">\n<h2>{}</h2>\n{inner}</section>\n",
        escape(heading)
    )
}

/// A bulleted list of plain-text items.
pub fn list(class: &str, items: &[String]) -> String {
    let mut out = format!("<ul class=\"{class}\">\n");
    for item in items {
        let _ = writeln!(out, "<li>{}</li>", escape(item));
    }
    out.push_str("</ul>\n");
    out
}

/// A paragraph of plain text.
pub fn paragraph(text: &str) -> String {
    format!("<p>{}</p>\n", escape(text))
}

/// Every SVG of `files` (in their order) as a figure with its caption from `caption`.
pub fn figures(files: &[(String, Vec<u8>)], caption: impl Fn(&str) -> (String, String)) -> String {
    let has = |name: String| files.iter().any(|(f, _)| *f == name);
    let mut stems: Vec<&str> = Vec::new();
    for (name, _) in files {
        if let Some(stem) = name
            .strip_suffix(".svg")
            .or_else(|| name.strip_suffix(".png"))
            && !stems.contains(&stem)
        {
            stems.push(stem);
        }
    }
    if stems.is_empty() {
        return "<p class=\"muted\">No plots were drawn (<code>--plots none</code>); the tables \
                hold every number.</p>\n"
            .to_owned();
    }
    let mut out = String::new();
    for stem in stems {
        let (heading, text) = caption(stem);
        let svg_file = files.iter().find(|(f, _)| *f == format!("{stem}.svg"));
        let picture = match svg_file {
            Some((_, bytes)) => {
                let svg = String::from_utf8_lossy(bytes);
                // The plots are drawn by our own code, with every text escaped by the SVG
                // backend; only an XML declaration, if any, has to go.
                svg.trim_start()
                    .strip_prefix("<?xml")
                    .and_then(|rest| rest.split_once("?>").map(|(_, s)| s))
                    .unwrap_or(&svg)
                    .trim()
                    .to_owned()
            }
            None => format!(
                "<img src=\"{stem}.png\" alt=\"{}\" style=\"max-width:100%\">",
                escape(&heading)
            ),
        };
        let also: Vec<String> = ["png", "svg"]
            .iter()
            .map(|ext| format!("{stem}.{ext}"))
            .filter(|f| has(f.clone()))
            .collect();
        let _ = write!(
            out,
            "<figure id=\"fig-{stem}\">\n{picture}\n<figcaption><b>{}.</b> {} \
             <span class=\"muted\">(also {})</span></figcaption>\n</figure>\n",
            escape(&heading),
            escape(&text),
            also.join(" and "),
        );
    }
    out
}

/// A table: a header row and rows of plain-text cells; columns listed in `numeric` are
/// right-aligned.
pub fn table(headers: &[&str], rows: &[Vec<String>], numeric: &[usize]) -> String {
    let class = |i: usize| {
        if numeric.contains(&i) {
            " class=\"num\""
        } else {
            ""
        }
    };
    let mut out = String::from("<div class=\"scroll\"><table>\n<thead><tr>");
    for (i, h) in headers.iter().enumerate() {
        let _ = write!(out, "<th{}>{}</th>", class(i), escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let _ = write!(out, "<td{}>{}</td>", class(i), escape(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table></div>\n");
    out
}

/// One argument of a command line, quoted for a POSIX shell where it needs it.
fn shell_quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

/// The manifest: what produced the result and how to reproduce it.
pub fn manifest(m: &Manifest) -> String {
    let mut rows: Vec<(&str, String)> = vec![
        ("engine", format!("strife {}", m.engine_version)),
        ("scenario file", m.scenario_file.clone()),
        ("scenario SHA-256", m.scenario_sha256.clone()),
    ];
    if let Some(runs) = m.runs {
        rows.push(("master seed", m.seed.to_string()));
        rows.push(("runs", thousands(runs as f64)));
    } else {
        rows.push(("seed", m.seed.to_string()));
    }
    rows.push(("day limit", format!("{} days", m.days)));
    rows.push((
        "overrides",
        if m.overrides.is_empty() {
            "none".to_owned()
        } else {
            m.overrides.join("\n")
        },
    ));
    for (file, hash) in &m.compared {
        rows.push(("compared", format!("{file} (SHA-256 {hash})")));
    }
    let mut out = String::from("<dl class=\"manifest\">\n");
    for (key, value) in rows {
        let value = escape(&value).replace('\n', "<br>");
        let _ = writeln!(out, "<dt>{}</dt><dd><code>{value}</code></dd>", escape(key));
    }
    out.push_str("</dl>\n");
    let command: Vec<String> = m.command_line.iter().map(|a| shell_quote(a)).collect();
    let _ = write!(
        out,
        "<p>To reproduce it exactly, run the same command on the same scenario file (check its \
         SHA-256) with strife {}:</p>\n<pre><code>{}</code></pre>\n\
         <p class=\"muted\">The CSV and JSON files beside this page hold every number shown \
         here, and more.</p>\n",
        escape(&m.engine_version),
        escape(&command.join(" "))
    );
    if let Some(one) = &m.one_machine_command {
        let one: Vec<String> = one.iter().map(|a| shell_quote(a)).collect();
        let _ = write!(
            out,
            "<p>This ensemble was merged from shards; on one machine the same runs, tables and \
             summary come from:</p>\n<pre><code>{}</code></pre>\n",
            escape(&one.join(" "))
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(escape("Goma — Kivu"), "Goma — Kivu");
    }

    #[test]
    fn formats_numbers() {
        assert_eq!(thousands(1000.0), "1,000");
        assert_eq!(thousands(461_869.4), "461,869");
        assert_eq!(thousands(-1234.0), "-1,234");
        assert_eq!(thousands(12.0), "12");
        assert_eq!(percent(0.87), "87%");
        assert_eq!(percent(0.995), "99.5%");
        assert_eq!(percent(0.003), "0.3%");
        assert_eq!(percent(0.0001), "0.1%");
        assert_eq!(percent(0.99999), "99.9%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.093), "9.3%");
    }

    #[test]
    fn quotes_for_the_shell() {
        assert_eq!(shell_quote("--runs"), "--runs");
        assert_eq!(
            shell_quote("places.goma.population=Uniform(min: 1e6)"),
            "'places.goma.population=Uniform(min: 1e6)'"
        );
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }

    #[test]
    fn tables_and_figures_escape_user_text() {
        let t = table(&["place"], &[vec!["<b>Goma</b>".into()]], &[]);
        assert!(t.contains("&lt;b&gt;Goma&lt;/b&gt;"));
        let files = vec![
            ("a.png".to_owned(), vec![1, 2, 3]),
            (
                "a.svg".to_owned(),
                b"<svg viewBox=\"0 0 1 1\"></svg>".to_vec(),
            ),
        ];
        let f = figures(&files, |_| ("A <plot>".into(), "x & y".into()));
        assert!(f.contains("<figure id=\"fig-a\">"));
        assert!(f.contains("<svg viewBox"));
        assert!(f.contains("A &lt;plot&gt;"));
        assert!(f.contains("x &amp; y"));
        assert_eq!(f.matches("<figure").count(), 1, "PNGs are not figures");
    }
}
