//! What came back from a request, as plain data: the one shape the HTTP layer produces and the
//! classifier reads, so neither depends on the other.

/// A response as plain data.
#[derive(Clone, Copy, Debug)]
pub struct Response<'a> {
    pub status: u16,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

impl Response<'_> {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }

    /// An HTML page (by its content type or its first bytes), which the API never sends.
    pub fn is_html(&self) -> bool {
        let ct = self
            .header("content-type")
            .unwrap_or("")
            .to_ascii_lowercase();
        let start = String::from_utf8_lossy(&self.body[..self.body.len().min(256)])
            .trim_start()
            .to_ascii_lowercase();
        ct.contains("text/html")
            || start.starts_with("<!doctype html")
            || start.starts_with("<html")
    }
}
