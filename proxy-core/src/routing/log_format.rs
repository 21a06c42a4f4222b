//! Log-format strings as header values: literal text with `%[<fetch>]` samples, as in
//! `http-request set-header X-Client %[src]`.
//!
//! A missing sample renders as nothing (HAProxy prints `-` for one only in logs). A format with
//! no sample is turned into its header value once, when compiled.

use super::sample::SampleFetch;
use super::{RequestInfo, RoutingError};
use crate::model::{FormatPart, LogFormat};
use http::HeaderValue;

/// A log-format string ready to render into a header value.
#[derive(Debug, Clone)]
pub(crate) enum ValueFormat {
    /// Only literal text: the value is fixed.
    Constant(HeaderValue),
    /// Text and samples, rendered for each request.
    Template(Vec<Piece>),
}

#[derive(Debug, Clone)]
pub(crate) enum Piece {
    Text(Box<[u8]>),
    Sample(SampleFetch),
}

impl ValueFormat {
    /// Compiles `format`; a constant value must be a valid header value.
    pub(crate) fn compile(format: &LogFormat) -> Result<ValueFormat, RoutingError> {
        let mut pieces = Vec::with_capacity(format.parts.len());
        for part in &format.parts {
            pieces.push(match part {
                FormatPart::Text(text) => Piece::Text(text.as_bytes().into()),
                FormatPart::Sample(fetch) => Piece::Sample(SampleFetch::compile(fetch)?),
            });
        }
        if pieces.iter().any(|p| matches!(p, Piece::Sample(_))) {
            return Ok(ValueFormat::Template(pieces));
        }
        let text: String = format
            .parts
            .iter()
            .filter_map(|part| match part {
                FormatPart::Text(text) => Some(text.as_str()),
                FormatPart::Sample(_) => None,
            })
            .collect();
        HeaderValue::from_str(&text)
            .map(ValueFormat::Constant)
            .map_err(|_| RoutingError::InvalidHeaderValue { value: text })
    }

    /// The value for `req`, or `None` when the rendered text is not a valid header value (a
    /// sample carried a control character, for instance).
    pub(crate) fn render(&self, req: &RequestInfo<'_>) -> Option<HeaderValue> {
        match self {
            ValueFormat::Constant(value) => Some(value.clone()),
            ValueFormat::Template(pieces) => {
                let mut out = Vec::new();
                for piece in pieces {
                    match piece {
                        Piece::Text(text) => out.extend_from_slice(text),
                        Piece::Sample(fetch) => fetch.render(req, &mut out),
                    }
                }
                HeaderValue::from_maybe_shared(bytes::Bytes::from(out)).ok()
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::Fetch;
    use crate::routing::test_support::Req;

    fn render(parts: Vec<FormatPart>, req: &Req) -> Option<String> {
        let format = ValueFormat::compile(&LogFormat { parts }).unwrap();
        format
            .render(&req.info())
            .map(|v| String::from_utf8(v.as_bytes().to_vec()).unwrap())
    }

    #[test]
    fn text_and_samples_are_concatenated() {
        let req = Req::get("/p?q")
            .header("host", "example.com")
            .from("198.51.100.2:9");
        let parts = vec![
            FormatPart::Text("client=".into()),
            FormatPart::Sample(Fetch::Src),
            FormatPart::Text(" host=".into()),
            FormatPart::Sample(Fetch::Hdr("host".into())),
            FormatPart::Text(" url=".into()),
            FormatPart::Sample(Fetch::Url),
        ];
        assert_eq!(
            render(parts, &req).unwrap(),
            "client=198.51.100.2 host=example.com url=/p?q"
        );
    }

    #[test]
    fn missing_sample_renders_empty_not_dash() {
        let parts = vec![
            FormatPart::Text("[".into()),
            FormatPart::Sample(Fetch::Hdr("x-absent".into())),
            FormatPart::Text("]".into()),
        ];
        assert_eq!(render(parts, &Req::get("/")).unwrap(), "[]");
    }

    #[test]
    fn literal_format_is_a_constant_value() {
        let format = ValueFormat::compile(&LogFormat::literal("on")).unwrap();
        assert!(matches!(&format, ValueFormat::Constant(v) if v == "on"));
    }

    #[test]
    fn literal_with_newline_is_rejected_when_compiled() {
        let err = ValueFormat::compile(&LogFormat::literal("a\r\nInjected: 1")).unwrap_err();
        assert!(matches!(err, RoutingError::InvalidHeaderValue { .. }));
    }

    #[test]
    fn rendered_value_with_control_character_is_none() {
        let parts = vec![
            FormatPart::Text("\u{1}".into()),
            FormatPart::Sample(Fetch::Method),
        ];
        assert_eq!(render(parts, &Req::get("/")), None);
    }
}
