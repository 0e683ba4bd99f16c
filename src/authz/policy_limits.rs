//! Bounds on policy text, checked before Cedar parses it. Cedar's parser and its passes over
//! the syntax tree recurse once per level of nesting: a condition about 145 parentheses deep,
//! a chain of 1,000 `||` or sets 1,000 deep overflow a thread's stack and abort the whole
//! process, which nothing can catch. A cheap scan of the text refuses such input first, far
//! below what overflows, and bounds the size of what Cedar is asked to parse at all.
//!
//! The scan skips string literals and comments, counts brackets (`(`, `[`, `{`) for the
//! nesting depth, and counts every operator of a statement (the text up to its `;`): a
//! statement's syntax tree is never deeper than its brackets plus its operators, however
//! they are arranged.

use std::fmt;

/// Largest policy text of a company (every policy and template of one version), in bytes:
/// about 26 times the built-in policies.
pub const MAX_TEXT_BYTES: usize = 256 * 1024;
/// Most policies and templates in one text.
pub const MAX_STATEMENTS: usize = 1_000;
/// Deepest nesting of parentheses, sets and records (the policy's own braces count).
pub const MAX_NESTING_DEPTH: usize = 32;
/// Most operators (`&&`, `||`, comparisons, arithmetic, `!`, `.`, `in`, `has`, `like`,
/// `is`, `if`) in one policy.
pub const MAX_OPERATORS_PER_POLICY: usize = 256;

/// The first limit a text crosses, and where (a byte offset into the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitExceeded {
    pub offset: usize,
    pub limit: Limit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    TextBytes,
    Statements,
    NestingDepth,
    OperatorsPerPolicy,
    /// A control character other than a line break or a tab.
    ControlCharacter,
}

impl fmt::Display for LimitExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.limit {
            Limit::TextBytes => write!(
                f,
                "the policy text is larger than the limit of {MAX_TEXT_BYTES} bytes"
            ),
            Limit::Statements => write!(
                f,
                "the text holds more than the limit of {MAX_STATEMENTS} policies and templates"
            ),
            Limit::NestingDepth => write!(
                f,
                "parentheses, sets and records are nested deeper than the limit of \
                 {MAX_NESTING_DEPTH} levels"
            ),
            Limit::OperatorsPerPolicy => write!(
                f,
                "the policy has more than the limit of {MAX_OPERATORS_PER_POLICY} operators"
            ),
            Limit::ControlCharacter => {
                f.write_str("the text holds a control character (only line breaks and tabs may)")
            }
        }
    }
}

/// Operator words of Cedar's grammar: each is one more level of the tree it builds.
const OPERATOR_WORDS: [&[u8]; 5] = [b"if", b"in", b"has", b"like", b"is"];

/// Checks `text` against the limits; the first one crossed is the error.
pub fn screen(text: &str) -> Result<(), LimitExceeded> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(LimitExceeded {
            offset: MAX_TEXT_BYTES,
            limit: Limit::TextBytes,
        });
    }
    if let Some(offset) = text
        .char_indices()
        .find(|(_, c)| crate::text::is_refused_control(*c))
        .map(|(offset, _)| offset)
    {
        return Err(LimitExceeded {
            offset,
            limit: Limit::ControlCharacter,
        });
    }
    let mut scan = Scan::default();
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        at = scan
            .step(bytes, at)
            .map_err(|limit| LimitExceeded { offset: at, limit })?;
    }
    Ok(())
}

#[derive(Default)]
struct Scan {
    depth: usize,
    operators: usize,
    statements: usize,
}

impl Scan {
    /// Reads the token at `at`; returns where the next one starts.
    fn step(&mut self, bytes: &[u8], at: usize) -> Result<usize, Limit> {
        let rest = &bytes[at..];
        match rest[0] {
            b'"' => Ok(at + string_length(rest)),
            b'/' if rest.get(1) == Some(&b'/') => Ok(at + line_length(rest)),
            b'(' | b'[' | b'{' => {
                self.depth += 1;
                self.check(self.depth > MAX_NESTING_DEPTH, Limit::NestingDepth)?;
                Ok(at + 1)
            }
            b')' | b']' | b'}' => {
                self.depth = self.depth.saturating_sub(1);
                Ok(at + 1)
            }
            b';' => {
                self.statements += 1;
                self.operators = 0;
                self.check(self.statements > MAX_STATEMENTS, Limit::Statements)?;
                Ok(at + 1)
            }
            b'&' | b'|' | b'=' | b'!' | b'<' | b'>' | b'+' | b'-' | b'*' | b'.' => {
                let pair = matches!(rest.get(1), Some(b'&' | b'|' | b'='));
                self.operator()?;
                Ok(at + if pair { 2 } else { 1 })
            }
            byte if byte.is_ascii_alphanumeric() || byte == b'_' => {
                let length = rest
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count();
                if OPERATOR_WORDS.contains(&&rest[..length]) {
                    self.operator()?;
                }
                Ok(at + length)
            }
            _ => Ok(at + 1),
        }
    }

    fn operator(&mut self) -> Result<(), Limit> {
        self.operators += 1;
        self.check(
            self.operators > MAX_OPERATORS_PER_POLICY,
            Limit::OperatorsPerPolicy,
        )
    }

    fn check(&self, crossed: bool, limit: Limit) -> Result<(), Limit> {
        if crossed {
            Err(limit)
        } else {
            Ok(())
        }
    }
}

/// Bytes of the string literal starting at `text[0]` (a quote), its closing quote included;
/// an unterminated literal runs to the end (Cedar reports it).
fn string_length(text: &[u8]) -> usize {
    let mut at = 1;
    while at < text.len() {
        match text[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    text.len()
}

fn line_length(text: &[u8]) -> usize {
    text.iter()
        .position(|b| *b == b'\n')
        .map_or(text.len(), |end| end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(condition: &str) -> String {
        format!("@id(\"p\") permit(principal, action, resource) when {{ {condition} }};")
    }

    fn nested(depth: usize, open: &str, inner: &str, close: &str) -> String {
        format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
    }

    fn crossed(text: &str) -> Option<Limit> {
        screen(text).err().map(|e| e.limit)
    }

    #[test]
    fn the_built_in_policies_are_far_inside_the_limits() {
        let (_, sources) = crate::authz::builtin_sources();
        let all: String = sources.into_iter().map(|(_, text)| text).collect();
        assert_eq!(screen(&all), Ok(()));
    }

    #[test]
    fn texts_that_overflowed_the_parser_are_refused() {
        for depth in [150, 10_000] {
            let text = policy(&nested(depth, "(", "true", ")"));
            assert_eq!(crossed(&text), Some(Limit::NestingDepth), "depth {depth}");
        }
        let sets = policy(&format!("[] == {}", nested(1_000, "[", "1", "]")));
        assert_eq!(crossed(&sets), Some(Limit::NestingDepth));
        let records = policy(&format!("context has {}", nested(1_000, "{a: ", "1", "}")));
        assert_eq!(crossed(&records), Some(Limit::NestingDepth));
        let chain = policy(&vec!["true"; 1_001].join(" || "));
        assert_eq!(crossed(&chain), Some(Limit::OperatorsPerPolicy));
    }

    #[test]
    fn brackets_and_operators_inside_strings_and_comments_do_not_count() {
        let quoted = format!("\"{}\"", "((((|| \\\" ".repeat(500));
        let text = format!("// {}\n{}", "((((".repeat(500), policy(&quoted));
        assert_eq!(screen(&text), Ok(()));
    }

    #[test]
    fn each_policy_has_its_own_operator_budget() {
        let one = policy(&vec!["true"; 200].join(" && "));
        assert_eq!(screen(&one.repeat(10)), Ok(()));
    }

    #[test]
    fn a_refusal_names_its_place_and_its_limit() {
        let text = format!("{}\n{}", policy("true"), policy(&nested(40, "(", "1", ")")));
        let refused = screen(&text).expect_err("too deep");
        assert_eq!(&text[..refused.offset].matches('\n').count(), &1);
        assert!(refused.to_string().contains("32 levels"), "{refused}");
    }

    /// The deepest trees the limits let through, built as the service builds a company's
    /// engine, on a thread with the stack of the threads that may build one (the writers').
    #[test]
    fn the_deepest_texts_inside_the_limits_build_on_a_writer_stack() {
        let brackets = MAX_NESTING_DEPTH - 1;
        let operators = MAX_OPERATORS_PER_POLICY;
        let texts = [
            policy(&nested(
                brackets,
                "(",
                &vec!["true"; operators].join(" || "),
                ")",
            )),
            policy(&nested(
                brackets,
                "(",
                &format!("{}true", "!".repeat(operators)),
                ")",
            )),
            policy(&format!("[] == {}", nested(brackets, "[", "1", "]"))),
            policy(&format!(
                "context has {}",
                nested(brackets - 1, "{a: ", "1", "}")
            )),
            policy(&format!(
                "{}true{}",
                "if true then true else ".repeat(operators),
                ""
            )),
            policy(&format!("context{}", ".a".repeat(operators))),
        ];
        for text in texts {
            assert_eq!(screen(&text), Ok(()), "inside the limits");
            std::thread::Builder::new()
                .stack_size(crate::authz::WRITER_STACK_BYTES)
                .spawn(move || {
                    let engines = crate::authz::Engines::new(crate::authz::builtin_base())
                        .expect("the built-in policies build");
                    let content = crate::authz::PolicyContent {
                        text,
                        links: Vec::new(),
                    };
                    // Valid or not, it must come back with an answer.
                    let _ = engines.build(&content);
                })
                .expect("a thread")
                .join()
                .expect("the build came back");
        }
    }

    #[test]
    fn a_control_character_is_refused_even_inside_a_string() {
        let text = policy("principal.email == \"a\u{0}b\"");
        assert_eq!(crossed(&text), Some(Limit::ControlCharacter));
    }

    #[test]
    fn sizes_past_the_limits_are_refused() {
        let huge = format!("// {}", "x".repeat(MAX_TEXT_BYTES));
        assert_eq!(crossed(&huge), Some(Limit::TextBytes));
        let many = policy("true").repeat(MAX_STATEMENTS + 1);
        assert_eq!(crossed(&many), Some(Limit::Statements));
    }
}
