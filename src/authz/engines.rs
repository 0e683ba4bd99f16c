//! One engine per distinct policy content, shared by every company on that content.
//!
//! A company decides by its active policy version. Its row names the version's content hash
//! (NULL: the base policies), read in the query that already reads the company's rules, so
//! a change committed on one node is what the very next request on any node decides by.
//! Engines are built once per content and kept here by hash: a request looks one up, it
//! never builds one, unless its node has not seen that content yet.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, RwLock};

use cedar_policy::Schema;
use diesel::prelude::*;
use include_dir::Dir;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::engine::{Engine, EngineError};
use super::policy_files::{self, Diagnostic, PolicyLoadError, TemplateLink, SCHEMA_FILE};
use super::policy_tests::{self, PolicyTestError, TestReport};
use crate::store::schema::policy_versions;
use crate::store::DbConnection;

/// Engines kept at once; past it one is dropped and built again when next needed.
const MAX_ENGINES: usize = 256;
/// The file name a company's policy text carries in diagnostics.
pub const POLICIES_FILE: &str = "policies.cedar";
const TESTS_DIR: &str = "tests";

/// A company's policies: one Cedar text (each policy and template with its `@id`) and the
/// links of its templates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyContent {
    pub text: String,
    pub links: Vec<TemplateLink>,
}

impl PolicyContent {
    /// SHA-256 of the text and links: equal content, equal hash.
    pub fn hash(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.text.as_bytes());
        hasher.update([0]);
        hasher.update(serde_json::to_vec(&self.links).expect("links serialize"));
        hex::encode(hasher.finalize())
    }

    pub fn links_json(&self) -> String {
        serde_json::to_string(&self.links).expect("links serialize")
    }
}

/// The policies every company starts from (`policies/` or `policies_dir`) and their tests.
#[derive(Debug, Clone)]
pub struct BasePolicies {
    pub schema_text: String,
    /// The `.cedar` files, (file name, text), in file-name order.
    pub files: Vec<(String, String)>,
    /// The files joined in that order: the text a company starts from.
    pub content: PolicyContent,
    /// The test files, (file name, JSON text), in file-name order.
    pub tests: Vec<(String, String)>,
}

impl BasePolicies {
    /// From an embedded policy folder (the built-in policies).
    pub fn from_embedded(dir: &Dir<'_>) -> Self {
        let text_of = |file: &include_dir::File<'_>| {
            (
                file.path()
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                file.contents_utf8().unwrap_or_default().to_owned(),
            )
        };
        let mut schema_text = String::new();
        let mut policies = Vec::new();
        for file in dir.files() {
            let (name, text) = text_of(file);
            if name == SCHEMA_FILE {
                schema_text = text;
            } else if name.ends_with(".cedar") {
                policies.push((name, text));
            }
        }
        let mut tests: Vec<(String, String)> = dir
            .get_dir(TESTS_DIR)
            .map(|tests| {
                tests
                    .files()
                    .map(text_of)
                    .filter(|(name, _)| name.ends_with(".json"))
                    .collect()
            })
            .unwrap_or_default();
        tests.sort();
        Self::new(schema_text, policies, tests)
    }

    /// From a policy directory on disk: its schema, `*.cedar` files and `tests/*.json`.
    pub fn from_dir(dir: &Path) -> Result<Self, PolicyLoadError> {
        let read = |path: &Path| {
            std::fs::read_to_string(path).map_err(|e| {
                PolicyLoadError::single(
                    &path.display().to_string(),
                    format!("cannot read file: {e}"),
                )
            })
        };
        let schema_text = read(&dir.join(SCHEMA_FILE))?;
        let mut policies = Vec::new();
        for path in policy_files::policy_file_paths(dir)? {
            policies.push((file_name(&path), read(&path)?));
        }
        let mut tests = Vec::new();
        let tests_dir = dir.join(TESTS_DIR);
        if tests_dir.is_dir() {
            for entry in std::fs::read_dir(&tests_dir)
                .map_err(|e| PolicyLoadError::single(TESTS_DIR, format!("cannot list: {e}")))?
            {
                let path = entry
                    .map_err(|e| PolicyLoadError::single(TESTS_DIR, format!("cannot list: {e}")))?
                    .path();
                if path.extension().is_some_and(|ext| ext == "json") {
                    tests.push((file_name(&path), read(&path)?));
                }
            }
        }
        tests.sort();
        Ok(Self::new(schema_text, policies, tests))
    }

    fn new(
        schema_text: String,
        mut policies: Vec<(String, String)>,
        tests: Vec<(String, String)>,
    ) -> Self {
        policies.sort();
        let text = policies
            .iter()
            .map(|(_, text)| text.trim_end())
            .collect::<Vec<_>>()
            .join("\n\n");
        Self {
            schema_text,
            files: policies,
            content: PolicyContent {
                text: text + "\n",
                links: Vec::new(),
            },
            tests,
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Why a policy content cannot become an engine.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{0}")]
    Invalid(#[from] PolicyLoadError),
    #[error("{0}")]
    Engine(#[from] EngineError),
}

impl BuildError {
    /// Every problem as a located diagnostic, for the author of the text.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            Self::Invalid(error) => error.diagnostics().to_vec(),
            Self::Engine(error) => vec![Diagnostic {
                file: POLICIES_FILE.to_owned(),
                policy_id: None,
                line: 1,
                column: 1,
                message: error.to_string(),
            }],
        }
    }
}

pub struct Engines {
    schema: Schema,
    base: BasePolicies,
    base_engine: Arc<Engine>,
    base_hash: String,
    built: RwLock<HashMap<String, Arc<Engine>>>,
}

impl Engines {
    /// Validates and builds the base policies: the service refuses to start on an error.
    pub fn new(base: BasePolicies) -> Result<Self, BuildError> {
        let schema = policy_files::parse_schema(&base.schema_text)?;
        // From the files, so that a mistake is reported in the file that holds it.
        let loaded = policy_files::load_linked_sources(schema.clone(), &base.files, &[])?;
        let base_engine = Arc::new(Engine::new(loaded)?);
        let base_hash = base.content.hash();
        let built = HashMap::from([(base_hash.clone(), base_engine.clone())]);
        Ok(Self {
            schema,
            base,
            base_engine,
            base_hash,
            built: RwLock::new(built),
        })
    }

    pub fn base(&self) -> &Arc<Engine> {
        &self.base_engine
    }

    pub fn base_policies(&self) -> &BasePolicies {
        &self.base
    }

    pub fn base_hash(&self) -> &str {
        &self.base_hash
    }

    /// The engine of `content`, built and kept if this node has not built it yet.
    pub fn build(&self, content: &PolicyContent) -> Result<Arc<Engine>, BuildError> {
        let hash = content.hash();
        if let Some(engine) = self.cached(&hash) {
            return Ok(engine);
        }
        let engine = Arc::new(build(&self.schema, content)?);
        let mut built = self.built.write().unwrap_or_else(|e| e.into_inner());
        if built.len() >= MAX_ENGINES {
            let evicted = built.keys().find(|k| **k != self.base_hash).cloned();
            if let Some(evicted) = evicted {
                built.remove(&evicted);
            }
        }
        built.insert(hash, engine.clone());
        Ok(engine)
    }

    fn cached(&self, hash: &str) -> Option<Arc<Engine>> {
        let built = self.built.read().unwrap_or_else(|e| e.into_inner());
        built.get(hash).cloned()
    }

    /// The engine a company decides by, from the hash its row names (None: the base). A
    /// stored content that no longer builds (a schema changed under it) is an error the
    /// caller turns into a deny.
    pub fn for_company(
        &self,
        conn: &mut DbConnection,
        company_id: &str,
        policy_hash: Option<&str>,
    ) -> Result<Arc<Engine>, String> {
        let Some(hash) = policy_hash else {
            return Ok(self.base_engine.clone());
        };
        if let Some(engine) = self.cached(hash) {
            return Ok(engine);
        }
        let content = content_by_hash(conn, company_id, hash)
            .map_err(|e| format!("the company's policies could not be read: {e}"))?
            .ok_or_else(|| format!("the company's policy version {hash} is missing"))?;
        self.build(&content)
            .map_err(|e| format!("the company's policies do not load: {e}"))
    }

    /// Runs test files against a content's policies.
    pub fn run_tests(
        &self,
        content: &PolicyContent,
        tests: &[(String, String)],
    ) -> Result<Result<TestReport, PolicyTestError>, BuildError> {
        let loaded = load(&self.schema, content)?;
        Ok(policy_tests::run_policy_test_sources(&loaded, tests))
    }
}

fn load(
    schema: &Schema,
    content: &PolicyContent,
) -> Result<policy_files::LoadedPolicies, PolicyLoadError> {
    let sources = [(POLICIES_FILE.to_owned(), content.text.clone())];
    policy_files::load_linked_sources(schema.clone(), &sources, &content.links)
}

fn build(schema: &Schema, content: &PolicyContent) -> Result<Engine, BuildError> {
    Ok(Engine::new(load(schema, content)?)?)
}

/// A stored version's content with this hash: any of them, they are equal.
pub fn content_by_hash(
    conn: &mut DbConnection,
    company_id: &str,
    hash: &str,
) -> Result<Option<PolicyContent>, diesel::result::Error> {
    let row: Option<(String, String)> = policy_versions::table
        .filter(policy_versions::company_id.eq(company_id))
        .filter(policy_versions::hash.eq(hash))
        .select((policy_versions::policies, policy_versions::links))
        .first(conn)
        .optional()?;
    row.map(|(text, links)| {
        let links = serde_json::from_str(&links)
            .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))?;
        Ok(PolicyContent { text, links })
    })
    .transpose()
}
