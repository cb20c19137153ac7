//! An incremental Server-Sent Events parser that follows the WHATWG event-stream rules: LF, CRLF
//! and CR line endings (also split across chunks), a leading BOM, comments, multi-line `data:`,
//! fields without a space after the colon, invalid UTF-8 as replacement characters, and an event
//! still pending when the stream ends. It keeps only the current line and event, never the stream.

use std::time::Duration;

/// One dispatched event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The `event:` field, or `message`.
    pub kind: String,
    /// The `data:` lines joined with `\n`.
    pub data: String,
    /// The `id:` field in force when the event was dispatched.
    pub id: Option<String>,
    /// When the bytes that completed it arrived, from the start of the request.
    pub at: Duration,
    /// False for an event the stream ended in the middle of (no blank line after it).
    pub complete: bool,
}

/// The parser's state between chunks.
#[derive(Debug, Default)]
pub struct Parser {
    line: Vec<u8>,
    /// The last byte fed was a CR: a following LF belongs to the same line ending.
    after_cr: bool,
    /// No line has been completed yet (a BOM may open the first one).
    started: bool,
    data: String,
    has_data: bool,
    kind: String,
    last_id: Option<String>,
    comments: u64,
}

impl Parser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feed the next chunk, which arrived at `at`; completed events are pushed onto `out`.
    pub fn feed(&mut self, chunk: &[u8], at: Duration, out: &mut Vec<Event>) {
        let mut rest = chunk;
        if self.after_cr && !rest.is_empty() {
            self.after_cr = false;
            if let Some(stripped) = rest.strip_prefix(b"\n") {
                rest = stripped;
            }
        }
        while let Some(i) = rest.iter().position(|b| *b == b'\n' || *b == b'\r') {
            self.line.extend_from_slice(&rest[..i]);
            if rest[i] == b'\r' {
                match rest.get(i + 1) {
                    Some(b'\n') => rest = &rest[i + 2..],
                    Some(_) => rest = &rest[i + 1..],
                    None => {
                        self.after_cr = true;
                        rest = &[];
                    }
                }
            } else {
                rest = &rest[i + 1..];
            }
            self.end_line(at, out);
        }
        self.line.extend_from_slice(rest);
    }

    /// The stream ended: return the event it ended in the middle of, if any, marked incomplete.
    pub fn finish(&mut self, at: Duration) -> Option<Event> {
        if !self.line.is_empty() {
            let mut sink = Vec::new();
            self.end_line(at, &mut sink);
            debug_assert!(sink.is_empty(), "a non-empty line never dispatches");
        }
        if !self.has_data {
            return None;
        }
        let mut event = self.take_event(at);
        event.complete = false;
        Some(event)
    }

    /// Comment lines seen so far (`: ping` keep-alives).
    pub fn comments(&self) -> u64 {
        self.comments
    }

    fn end_line(&mut self, at: Duration, out: &mut Vec<Event>) {
        let mut bytes = std::mem::take(&mut self.line);
        if !self.started {
            self.started = true;
            if bytes.starts_with(b"\xEF\xBB\xBF") {
                bytes.drain(..3);
            }
        }
        if bytes.is_empty() {
            if self.has_data {
                out.push(self.take_event(at));
            } else {
                self.kind.clear();
            }
            self.line = bytes;
            return;
        }
        let line = String::from_utf8_lossy(&bytes);
        if line.starts_with(':') {
            self.comments += 1;
        } else {
            let (field, value) = match line.split_once(':') {
                Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
                None => (&*line, ""),
            };
            match field {
                "data" => {
                    self.data.push_str(value);
                    self.data.push('\n');
                    self.has_data = true;
                }
                "event" => self.kind = value.to_owned(),
                "id" if !value.contains('\0') => self.last_id = Some(value.to_owned()),
                _ => {}
            }
        }
        bytes.clear();
        self.line = bytes;
    }

    fn take_event(&mut self, at: Duration) -> Event {
        let mut data = std::mem::take(&mut self.data);
        if data.ends_with('\n') {
            data.pop();
        }
        self.has_data = false;
        let kind = std::mem::take(&mut self.kind);
        Event {
            kind: if kind.is_empty() {
                "message".to_owned()
            } else {
                kind
            },
            data,
            id: self.last_id.clone(),
            at,
            complete: true,
        }
    }
}

/// Parse a whole body at once (a pasted transcript): the events, then the pending one if any.
pub fn parse_all(body: &[u8]) -> (Vec<Event>, Option<Event>, u64) {
    let mut parser = Parser::new();
    let mut events = Vec::new();
    parser.feed(body, Duration::ZERO, &mut events);
    let pending = parser.finish(Duration::ZERO);
    (events, pending, parser.comments())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn datas(body: &[u8]) -> Vec<String> {
        parse_all(body).0.into_iter().map(|e| e.data).collect()
    }

    #[test]
    fn line_endings_lf_crlf_cr() {
        for body in [
            &b"data: a\n\ndata: b\n\n"[..],
            b"data: a\r\n\r\ndata: b\r\n\r\n",
            b"data: a\r\rdata: b\r\r",
        ] {
            assert_eq!(datas(body), ["a", "b"], "{body:?}");
        }
    }

    #[test]
    fn a_cr_lf_split_across_chunks_is_one_line_ending() {
        let mut p = Parser::new();
        let mut out = Vec::new();
        p.feed(b"data: a\r", Duration::ZERO, &mut out);
        p.feed(b"\n\r", Duration::ZERO, &mut out);
        p.feed(b"\ndata: b\r\n\r\n", Duration::ZERO, &mut out);
        let d: Vec<_> = out.into_iter().map(|e| e.data).collect();
        assert_eq!(d, ["a", "b"]);
    }

    #[test]
    fn bom_comments_multiline_and_no_space() {
        let body = b"\xEF\xBB\xBF: ping\ndata:first\ndata: second\n\n: keep-alive\r\nevent: done\nid: 7\ndata: x\n\n";
        let (events, pending, comments) = parse_all(body);
        assert_eq!(events[0].data, "first\nsecond");
        assert_eq!(events[0].kind, "message");
        assert_eq!(events[1].kind, "done");
        assert_eq!(events[1].id.as_deref(), Some("7"));
        assert!(pending.is_none());
        assert_eq!(comments, 2);
    }

    #[test]
    fn a_bom_split_across_chunks() {
        let mut p = Parser::new();
        let mut out = Vec::new();
        p.feed(b"\xEF", Duration::ZERO, &mut out);
        p.feed(b"\xBB\xBFdata: x\n\n", Duration::ZERO, &mut out);
        assert_eq!(out[0].data, "x");
    }

    #[test]
    fn invalid_utf8_becomes_replacement_characters() {
        let (events, _, _) = parse_all(b"data: a\xff\xfeb\n\n");
        assert_eq!(events[0].data, "a\u{FFFD}\u{FFFD}b");
    }

    #[test]
    fn a_multibyte_character_split_across_chunks_survives() {
        let mut p = Parser::new();
        let mut out = Vec::new();
        let text = "data: héllo\n\n".as_bytes();
        p.feed(&text[..8], Duration::ZERO, &mut out);
        p.feed(&text[8..], Duration::ZERO, &mut out);
        assert_eq!(out[0].data, "héllo");
    }

    #[test]
    fn pending_event_at_end_of_stream() {
        let (events, pending, _) = parse_all(b"data: a\n\ndata: [DONE]");
        assert_eq!(events.len(), 1);
        let p = pending.unwrap();
        assert_eq!(p.data, "[DONE]");
        assert!(!p.complete);
        let (_, pending, _) = parse_all(b"data: a\n\ndata: [DONE]\n");
        assert_eq!(pending.unwrap().data, "[DONE]");
    }

    #[test]
    fn empty_data_and_fields_without_value() {
        let (events, _, _) = parse_all(b"data\n\ndata:\ndata:\n\nevent: x\n\n");
        let d: Vec<_> = events.iter().map(|e| e.data.as_str()).collect();
        assert_eq!(d, ["", "\n"]);
    }

    #[test]
    fn events_carry_the_arrival_of_their_last_bytes() {
        let mut p = Parser::new();
        let mut out = Vec::new();
        p.feed(b"data: a\n", Duration::from_millis(5), &mut out);
        p.feed(b"\ndata: b\n\n", Duration::from_millis(9), &mut out);
        let at: Vec<_> = out.iter().map(|e| e.at.as_millis()).collect();
        assert_eq!(at, [9, 9]);
    }

    /// Events as (kind, data, id), and the pending event's data.
    type Parsed = (Vec<(String, String, Option<String>)>, Option<String>);

    fn events_of(chunks: &[&[u8]]) -> Parsed {
        let mut p = Parser::new();
        let mut out = Vec::new();
        for c in chunks {
            p.feed(c, Duration::ZERO, &mut out);
        }
        let pending = p.finish(Duration::ZERO).map(|e| e.data);
        (
            out.into_iter().map(|e| (e.kind, e.data, e.id)).collect(),
            pending,
        )
    }

    proptest! {
        #[test]
        fn any_split_yields_the_same_events(
            body in proptest::collection::vec(prop_oneof![
                Just(b"data: x\n".to_vec()), Just(b"data: y\r\n".to_vec()), Just(b"\n".to_vec()),
                Just(b"\r\n".to_vec()), Just(b"\r".to_vec()), Just(b": ping\n".to_vec()),
                Just(b"event: e\n".to_vec()), Just(b"id: 1\n".to_vec()), Just("data: é\n".as_bytes().to_vec()),
                Just(b"\xEF\xBB\xBF".to_vec()), Just(b"data:[DONE]".to_vec()),
                proptest::collection::vec(any::<u8>(), 0..8),
            ], 0..40).prop_map(|parts| parts.concat()),
            cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..12),
        ) {
            let whole = events_of(&[&body]);
            let mut points: Vec<usize> = cuts.iter().map(|i| i.index(body.len() + 1)).collect();
            points.sort_unstable();
            let mut chunks = Vec::new();
            let mut from = 0;
            for p in points {
                chunks.push(&body[from..p]);
                from = p;
            }
            chunks.push(&body[from..]);
            prop_assert_eq!(events_of(&chunks), whole);
        }

        #[test]
        fn arbitrary_bytes_never_panic(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..16)) {
            let mut p = Parser::new();
            let mut out = Vec::new();
            for c in &chunks {
                p.feed(c, Duration::ZERO, &mut out);
            }
            let _ = p.finish(Duration::ZERO);
        }
    }
}
