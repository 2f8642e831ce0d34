//! Positions in a text: between byte offsets and 1-based (line, character column), in
//! O(log n) plus a bounded scan per lookup, whatever the length of a line.
//!
//! Counting characters from the start of the line on every lookup made minified (one-line)
//! CloudFormation JSON quadratic: 20,000 resources took a minute (issue 16). Here a mark is
//! kept at every line start and every [`STEP`] bytes within a line (on a character
//! boundary), with its line and column; a lookup finds the mark before the offset by binary
//! search and counts the characters of at most [`STEP`] (+3) bytes from there.

/// Bytes between two marks within one line.
const STEP: usize = 256;

#[derive(Clone, Copy, Debug)]
struct Mark {
    byte: usize,
    line: u32,
    /// 0-based character column at `byte`.
    col: u32,
}

/// The marks of one text (see the module documentation).
pub struct Lines {
    marks: Vec<Mark>,
    len: usize,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let bytes = text.as_bytes();
        let mut marks = vec![Mark {
            byte: 0,
            line: 0,
            col: 0,
        }];
        let (mut line, mut col, mut last) = (0u32, 0u32, 0usize);
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                line += 1;
                col = 0;
                last = i + 1;
                marks.push(Mark {
                    byte: i + 1,
                    line,
                    col,
                });
                continue;
            }
            // A continuation byte is not a character of its own.
            if b & 0xC0 == 0x80 {
                continue;
            }
            if i - last >= STEP {
                marks.push(Mark { byte: i, line, col });
                last = i;
            }
            col += 1;
        }
        Lines {
            marks,
            len: text.len(),
        }
    }

    /// The 0-based line and character column of a byte offset (clamped to the text; an
    /// offset inside a character counts the bytes before it as characters).
    pub fn pos0(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.len);
        let i = self.marks.partition_point(|m| m.byte <= offset) - 1;
        let m = self.marks[i];
        let n = match text.get(m.byte..offset) {
            Some(s) => s.chars().count(),
            None => offset - m.byte,
        };
        (m.line, m.col + n as u32)
    }

    /// The byte offset of a 1-based line and character column (past the end of the text:
    /// its length; a line that does not exist: None). A column past the end of its line
    /// goes on into the next lines, counting the newline as a character.
    pub fn offset(&self, text: &str, line: u32, col: u32) -> Option<usize> {
        let line0 = line.checked_sub(1)?;
        let col0 = col.checked_sub(1)?;
        // The last mark at or before (line, col).
        let i = self
            .marks
            .partition_point(|m| (m.line, m.col) <= (line0, col0));
        let m = self.marks.get(i.checked_sub(1)?)?;
        if m.line != line0 {
            return None;
        }
        let rest = text.get(m.byte..)?;
        match rest.char_indices().nth((col0 - m.col) as usize) {
            Some((j, _)) => Some(m.byte + j),
            None => Some(self.len),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The naive definitions, to compare with.
    fn naive_pos(text: &str, offset: usize) -> (u32, u32) {
        let before = &text[..offset];
        let line = before.matches('\n').count() as u32;
        let col = before.rsplit('\n').next().unwrap().chars().count() as u32;
        (line, col)
    }

    #[test]
    fn agrees_with_counting_on_long_and_multibyte_lines() {
        let mut text = String::new();
        for i in 0..2000 {
            text.push_str(if i % 7 == 0 { "é€𝄞" } else { "ab" });
            if i % 500 == 499 {
                text.push('\n');
            }
        }
        text.push_str("\n\nlast");
        let l = Lines::new(&text);
        for (off, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let (line, col) = l.pos0(&text, off);
            assert_eq!((line, col), naive_pos(&text, off), "at {off}");
            assert_eq!(l.offset(&text, line + 1, col + 1), Some(off), "at {off}");
        }
        assert_eq!(l.offset(&text, 99, 1), None);
        assert_eq!(l.offset(&text, 0, 1), None);
    }
}
