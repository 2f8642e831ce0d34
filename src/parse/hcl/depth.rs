//! A cheap pre-check that refuses pathologically nested input before a recursive parser sees
//! it (a 10,000-deep expression must give a diagnostic, not a stack overflow).

/// Deepest bracket nesting a file may have.
pub const MAX_DEPTH: usize = 200;

/// The line and column where nesting first goes deeper than [`MAX_DEPTH`], if it does.
/// Counts `{`, `[` and `(` everywhere (also inside strings, which only over-counts).
pub fn too_deep(text: &str) -> Option<(u32, u32)> {
    let mut depth = 0usize;
    let mut line = 1u32;
    let mut col = 0u32;
    for c in text.chars() {
        col += 1;
        match c {
            '\n' => {
                line += 1;
                col = 0;
            }
            '{' | '[' | '(' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some((line, col));
                }
            }
            '}' | ']' | ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_position_of_excess_nesting() {
        let deep = format!("x = {}1{}", "[".repeat(300), "]".repeat(300));
        assert_eq!(too_deep(&deep), Some((1, 5 + MAX_DEPTH as u32)));
        assert_eq!(too_deep("a = [[1]]\nb = {c = (1)}\n"), None);
    }
}
