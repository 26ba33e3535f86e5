//! DSL keywords: enums whose variants are spelled as bare identifiers in `platform!`.
//!
//! The macro parses an identifier with [`Keyword::from_keyword`], so the list of accepted spellings and the
//! "did you mean" hint live here, next to the type, and are the same at compile time and at run time.

/// An enum that the DSL spells as one of a fixed set of identifiers.
pub trait Keyword: Sized + Copy + 'static {
    /// What the value is, for messages ("capacity type", "log type").
    const WHAT: &'static str;
    /// Every accepted spelling with its value.
    const ALL: &'static [(&'static str, Self)];

    /// The DSL spelling of this value.
    fn keyword(self) -> &'static str;

    /// Parses a DSL spelling; the error names the accepted values and the closest one.
    fn from_keyword(word: &str) -> Result<Self, UnknownKeyword> {
        Self::ALL
            .iter()
            .find(|(spelling, _)| *spelling == word)
            .map(|(_, value)| *value)
            .ok_or_else(|| UnknownKeyword::new(Self::WHAT, word, Self::ALL.iter().map(|(s, _)| *s)))
    }
}

/// A word that is not one of the accepted spellings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKeyword {
    pub what: &'static str,
    pub found: String,
    pub expected: Vec<&'static str>,
    pub suggestion: Option<&'static str>,
}

impl UnknownKeyword {
    pub fn new(what: &'static str, found: &str, expected: impl IntoIterator<Item = &'static str>) -> Self {
        let expected: Vec<&'static str> = expected.into_iter().collect();
        let suggestion = did_you_mean(found, expected.iter().copied());
        UnknownKeyword { what, found: found.to_owned(), expected, suggestion }
    }
}

impl std::fmt::Display for UnknownKeyword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown {} `{}`", self.what, self.found)?;
        if let Some(s) = self.suggestion {
            write!(f, "; did you mean `{s}`?")?;
        }
        let list: Vec<String> = self.expected.iter().map(|e| format!("`{e}`")).collect();
        write!(f, " expected one of {}", list.join(", "))
    }
}

impl std::error::Error for UnknownKeyword {}

/// The closest candidate to `found`, if one is close enough to be a likely typo (as darling does).
pub fn did_you_mean<'a>(found: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(found, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Declares a DSL keyword enum: `keyword_enum! { "what", pub enum X { A = "a", B = "b" } }`.
macro_rules! keyword_enum {
    ($(#[$meta:meta])* $what:literal, pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $spelling:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $crate::model::Keyword for $name {
            const WHAT: &'static str = $what;
            const ALL: &'static [(&'static str, Self)] = &[$(($spelling, $name::$variant)),+];
            fn keyword(self) -> &'static str {
                match self { $($name::$variant => $spelling),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::model::Keyword::keyword(*self))
            }
        }
    };
}
pub(crate) use keyword_enum;
