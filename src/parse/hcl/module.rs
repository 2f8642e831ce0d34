//! Terraform modules: loading a directory of `.tf` / `.tf.json` files, variables from
//! tfvars and the command line, local and installed modules, and the resource instances of a
//! whole module tree.

use super::ast::{self, Body, Expr};
use super::eval::{Child, Instance, InstanceKey, Scope, expand, instance_scope};
use crate::document::{Diagnostic, Document, Format, Mode, Resource};
use crate::value::{Node, Span, Value};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// Modules nested deeper than this are not loaded.
const MAX_MODULE_DEPTH: usize = 24;
/// Terraform and CloudFormation files larger than this are not parsed (with an error
/// diagnostic): CloudFormation accepts templates of at most 1 MB and hand-written Terraform
/// stays far below, while parsing a file costs several times its size in memory.
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;
/// Terraform plan JSON larger than this is not parsed (a plan of a large configuration is
/// far larger than its source).
pub const MAX_PLAN_SIZE: u64 = 64 * 1024 * 1024;

pub struct VarDef {
    pub name: String,
    pub default: Option<Expr>,
    pub ty: Option<Expr>,
    pub nullable: bool,
    pub span: Span,
}

/// What the note about a registry or git module without `.terraform/modules` says; the
/// summary line counts these notes.
pub const NOT_INSTALLED: &str = "is not installed";

pub struct ResDef {
    pub is_data: bool,
    pub rtype: String,
    pub name: String,
    pub body: Body,
    pub span: Span,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    /// Rules its comments suppress (see [`super::suppress`]).
    pub suppressions: Vec<crate::document::Suppression>,
}

pub struct ModCall {
    pub name: String,
    pub source: Option<String>,
    pub body: Body,
    pub span: Span,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
}

/// One directory of Terraform files, parsed.
#[derive(Default)]
pub struct ModuleDef {
    pub dir: PathBuf,
    pub files: Vec<Arc<str>>,
    pub variables: Vec<VarDef>,
    pub locals: HashMap<String, Expr>,
    pub resources: Vec<ResDef>,
    pub modules: Vec<ModCall>,
    pub outputs: HashMap<String, Expr>,
}

/// Lexically normalise a path (`a/b/../c` -> `a/c`) without touching the file system.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// Shared state of one root module's evaluation: parsed modules, diagnostics, options.
pub struct Workspace {
    pub root_dir: PathBuf,
    /// The directory the user scanned: `file()` never reads outside it (or the module's own dir).
    pub scan_root: PathBuf,
    defs: RefCell<HashMap<PathBuf, Arc<ModuleDef>>>,
    /// Module definitions parsed once per run and shared by the root modules that use
    /// them (see [`SharedDefs`]); `None`: every module is parsed for this root module.
    shared: Option<Arc<SharedDefs>>,
    /// The directories discovery counted this root module among the users of (released
    /// when it is done, whether it took them or not: a call under `count = 0` or an empty
    /// `for_each` never instantiates what it calls).
    counted: Vec<PathBuf>,
    diags: RefCell<Vec<Diagnostic>>,
    noted: RefCell<BTreeSet<String>>,
    /// `.terraform/modules/modules.json`: module key -> directory.
    installed: HashMap<String, PathBuf>,
    pub files_read: RefCell<BTreeSet<Arc<str>>>,
    /// Files read by `file()` / `templatefile()`, with the first call that read each
    /// (see [`Document::loaded`]).
    pub loaded: RefCell<std::collections::BTreeMap<Arc<str>, Span>>,
    /// Expression evaluations left for this root module (see [`MAX_EVAL_STEPS`]).
    pub steps_left: std::cell::Cell<u64>,
    /// Bytes of Terraform source this root module may still parse ([`MAX_TREE_SOURCE`]).
    source_left: std::cell::Cell<u64>,
}

/// A module directory parsed once for the whole run: its definition, the diagnostics
/// parsing gave, and the bytes of source it counts against a root module's budget.
pub struct Loaded {
    pub def: Arc<ModuleDef>,
    pub diags: Vec<Diagnostic>,
    /// Bytes charged to [`MAX_TREE_SOURCE`] (files over [`MAX_FILE_SIZE`] are refused, not
    /// charged).
    pub charged: u64,
}

/// The module definitions shared by the root modules of one run, keyed by normalised
/// directory: each is parsed once (by the first root module that needs it, the others
/// wait for that parse) and is immutable; every root module instantiates it with its own
/// inputs. Discovery says how many root modules reach each directory through local calls;
/// only directories with more than one are kept, and each is dropped when the last of them
/// is done, so memory holds the modules still to be used, not the whole tree.
#[derive(Default)]
pub struct SharedDefs {
    entries: Mutex<HashMap<PathBuf, SharedEntry>>,
}

struct SharedEntry {
    /// Root modules that have still to take it.
    uses_left: usize,
    slot: Arc<OnceLock<Arc<Loaded>>>,
}

impl SharedDefs {
    /// Share the directories that `uses` says more than one root module reaches.
    pub fn new(uses: impl IntoIterator<Item = (PathBuf, usize)>) -> SharedDefs {
        let entries = uses
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(d, n)| {
                (
                    d,
                    SharedEntry {
                        uses_left: n,
                        slot: Arc::new(OnceLock::new()),
                    },
                )
            })
            .collect();
        SharedDefs {
            entries: Mutex::new(entries),
        }
    }

    /// The shared parse of `dir`, parsing it now if no root module did yet; `None` when
    /// `dir` is not shared.
    fn get(&self, dir: &Path) -> Option<Arc<Loaded>> {
        let slot = {
            let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            entries.get(dir)?.slot.clone()
        };
        // Parsed outside the lock: other directories load in parallel meanwhile.
        Some(
            slot.get_or_init(|| {
                // Parsed without a budget: each root module charges what it takes.
                let budget = std::cell::Cell::new(u64::MAX);
                let (def, diags) = load_module(dir, &budget);
                Arc::new(Loaded {
                    def: Arc::new(def),
                    diags,
                    charged: u64::MAX - budget.get(),
                })
            })
            .clone(),
        )
    }

    /// One root module is done with `dir`: dropped after the last.
    fn release(&self, dir: &Path) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = entries.get_mut(dir) {
            e.uses_left = e.uses_left.saturating_sub(1);
            if e.uses_left == 0 {
                entries.remove(dir);
            }
        }
    }

    /// Directories still held (for tests).
    pub fn held(&self) -> usize {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// Most bytes of `.tf` / `.tf.json` source one root module parses with all its modules:
/// memory grows with the source (about 40 times, in the AST, the evaluated resources and
/// the graph), so a module tree stops here, with an error naming the first file left out,
/// instead of exhausting memory. Hand-written configurations are far below (the largest
/// module of the shared corpus has 126 KB).
pub const MAX_TREE_SOURCE: u64 = 16 * 1024 * 1024;

/// Most expression evaluations for one root module with all its modules: for-expressions
/// nested over large collections stop here (their values become unknown, with a warning)
/// instead of exhausting memory.
pub const MAX_EVAL_STEPS: u64 = 2_000_000;

impl Workspace {
    pub fn new(root_dir: PathBuf, scan_root: PathBuf) -> Workspace {
        let (installed, diags) = read_modules_json(&root_dir);
        Workspace {
            root_dir,
            scan_root,
            defs: RefCell::new(HashMap::new()),
            shared: None,
            counted: Vec::new(),
            diags: RefCell::new(diags),
            noted: RefCell::new(BTreeSet::new()),
            installed,
            files_read: RefCell::new(BTreeSet::new()),
            loaded: RefCell::new(Default::default()),
            steps_left: std::cell::Cell::new(MAX_EVAL_STEPS),
            source_left: std::cell::Cell::new(MAX_TREE_SOURCE),
        }
    }

    pub fn diag(&self, d: Diagnostic) {
        self.diags.borrow_mut().push(d);
    }

    /// Take one step of the evaluation budget ([`MAX_EVAL_STEPS`]); past it, every
    /// evaluation fails (its value becomes unknown) and one warning says so.
    pub fn step(&self, span: &Span) -> Result<(), super::eval::EvalError> {
        let left = self.steps_left.get();
        if left == 0 {
            return Err(super::eval::EvalError(format!(
                "evaluation stopped after {MAX_EVAL_STEPS} steps"
            )));
        }
        self.steps_left.set(left - 1);
        if left == 1 {
            self.diag(Diagnostic::warning(
                span.first_line(),
                format!(
                    "evaluation of this configuration stopped after {MAX_EVAL_STEPS} steps (a for expression or module calls over large collections?): what was not evaluated yet is unknown"
                ),
            ));
        }
        Ok(())
    }

    /// A note given once per message and file.
    pub fn note_once(&self, span: &Span, msg: &str) {
        if self
            .noted
            .borrow_mut()
            .insert(format!("{}\u{0}{msg}", span.file))
        {
            self.diag(Diagnostic::note(span.clone(), msg));
        }
    }

    pub fn display_path(&self, p: &Path) -> String {
        crate::discover::display(p)
    }

    /// Where `file()` may read for a module in `dir`.
    pub fn file_root<'a>(&'a self, dir: &'a Path) -> &'a Path {
        if dir.starts_with(&self.scan_root) {
            &self.scan_root
        } else {
            dir
        }
    }

    /// Parse (once) the module in `dir`: from the run's shared definitions when another
    /// root module uses it too, else parsed here.
    pub fn module_def(&self, dir: &Path) -> Arc<ModuleDef> {
        let dir = normalize(dir);
        if let Some(d) = self.defs.borrow().get(&dir) {
            return d.clone();
        }
        let shared = self.shared.as_ref().and_then(|s| {
            let loaded = s.get(&dir)?;
            // The shared parse counts against this root module's source budget like its
            // own would; when it does not fit, the directory is parsed here within what is
            // left (with the errors that budget gives).
            (loaded.charged <= self.source_left.get()).then_some(loaded)
        });
        let def = match shared {
            Some(loaded) => {
                self.source_left
                    .set(self.source_left.get() - loaded.charged);
                self.diags.borrow_mut().extend(loaded.diags.iter().cloned());
                loaded.def.clone()
            }
            None => {
                let (def, diags) = load_module(&dir, &self.source_left);
                self.diags.borrow_mut().extend(diags);
                Arc::new(def)
            }
        };
        for f in &def.files {
            self.files_read.borrow_mut().insert(f.clone());
        }
        self.defs.borrow_mut().insert(dir, def.clone());
        def
    }

    /// Give back the shared definitions this root module was counted for: one use fewer
    /// of each.
    fn release(&self) {
        if let Some(s) = &self.shared {
            for d in &self.counted {
                s.release(d);
            }
        }
    }

    /// Instantiate the module call `name` of `parent`.
    pub fn instantiate_child<'w>(&'w self, parent: &Instance<'w>, name: &str) -> Child<'w> {
        let Some(call) = parent.def.modules.iter().find(|m| m.name == name) else {
            return Child::Opaque;
        };
        let key_path = if parent.key_path.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", parent.key_path)
        };
        let Some(source) = &call.source else {
            return Child::Opaque;
        };
        let dir = if source.starts_with("./")
            || source.starts_with("../")
            || source == "."
            || source == ".."
        {
            normalize(&parent.def.dir.join(source))
        } else if let Some(d) = self.installed.get(&key_path) {
            normalize(&self.root_dir.join(d))
        } else {
            self.note_once(
                &call.span,
                &format!(
                    "module \"{name}\" (source \"{source}\") {NOT_INSTALLED}: run `terraform get` (or `terraform init`) so .terraform/modules/modules.json lists it; its resources are not scanned"
                ),
            );
            return Child::Opaque;
        };
        if !dir.is_dir() {
            self.diag(Diagnostic::warning(
                call.span.clone(),
                format!(
                    "module \"{name}\": source directory {} does not exist",
                    dir.display()
                ),
            ));
            return Child::Opaque;
        }
        // A module directory (local, or named by modules.json) is read only when it is
        // inside the scanned directory and not reached through a symbolic link.
        if let Err(why) = crate::fsread::inside(&dir, &self.scan_root) {
            self.diag(Diagnostic::warning(
                call.span.clone(),
                format!(
                    "module \"{name}\": source directory {} {why}{}",
                    self.display_path(&dir),
                    if matches!(why, crate::fsread::Refused::Outside) {
                        " (scan a directory that contains both to include it)"
                    } else {
                        ""
                    }
                ),
            ));
            return Child::Opaque;
        }
        if parent.chain.contains(&dir) || dir == parent.def.dir {
            self.diag(Diagnostic::warning(
                call.span.clone(),
                format!("module \"{name}\" calls itself (directly or through other modules): not expanded"),
            ));
            return Child::Opaque;
        }
        if parent.chain.len() >= MAX_MODULE_DEPTH {
            // Part of the configuration is not scanned: an error, so the gate fails unless
            // parse errors are allowed.
            self.diag(Diagnostic::error(
                call.span.clone(),
                format!(
                    "module nesting deeper than {MAX_MODULE_DEPTH} levels: module \"{name}\" is not expanded and its resources are not scanned"
                ),
            ));
            return Child::Opaque;
        }
        if self.step(&call.span).is_err() {
            return Child::Opaque;
        }
        let def = self.module_def(&dir);
        let keys = match expand(
            parent,
            call.count.as_ref(),
            call.for_each.as_ref(),
            &Scope::default(),
        ) {
            Ok(k) => k,
            Err(msg) => {
                self.diag(Diagnostic::warning(call.span.clone(), msg));
                vec![InstanceKey::UnknownCount]
            }
        };
        let mut chain = parent.chain.clone();
        chain.push(parent.def.dir.clone());
        let make = |ik: &InstanceKey| -> std::rc::Rc<Instance<'w>> {
            let scope = instance_scope(ik, &call.span);
            let mut inputs: HashMap<String, Node> = HashMap::new();
            for a in &call.body.attributes {
                if matches!(
                    a.name.as_str(),
                    "source" | "version" | "count" | "for_each" | "providers" | "depends_on"
                ) {
                    continue;
                }
                inputs.insert(a.name.clone(), parent.eval_or_unknown(&a.expr, &scope));
            }
            let prefix = format!("{}module.{name}{}.", parent.prefix, ik.suffix());
            std::rc::Rc::new(self.instance(
                def.clone(),
                prefix,
                key_path.clone(),
                inputs,
                chain.clone(),
            ))
        };
        if keys.len() == 1
            && matches!(
                keys[0],
                InstanceKey::None | InstanceKey::UnknownCount | InstanceKey::UnknownEach
            )
        {
            return Child::Single(make(&keys[0]));
        }
        let mut many = BTreeMap::new();
        for k in &keys {
            // Module instances count against the evaluation budget, inputs or not.
            if self.step(&call.span).is_err() {
                return Child::Opaque;
            }
            let key = match k {
                InstanceKey::Index(i) => i.to_string(),
                InstanceKey::Key(s, _) => s.clone(),
                _ => String::new(),
            };
            many.insert(key, make(k));
        }
        Child::Many(many)
    }

    /// A module instance with its variables: given inputs, else defaults, else Unknown; type
    /// constraint defaults (`optional(string, "required")`) applied.
    pub fn instance<'w>(
        &'w self,
        def: Arc<ModuleDef>,
        prefix: String,
        key_path: String,
        inputs: HashMap<String, Node>,
        chain: Vec<PathBuf>,
    ) -> Instance<'w> {
        // Defaults are evaluated in a module instance without variables (they may not refer
        // to anything but literals and functions).
        let bare = Instance::new(
            self,
            def.clone(),
            prefix.clone(),
            key_path.clone(),
            HashMap::new(),
            chain.clone(),
        );
        let mut vars = HashMap::new();
        for v in &def.variables {
            let given = inputs.get(&v.name).cloned();
            let value = match given {
                Some(n) if !n.is_null() || v.nullable => n,
                _ => match &v.default {
                    Some(d) => bare.eval_or_unknown(d, &Scope::default()),
                    None => Node::unknown(v.span.clone()),
                },
            };
            let value = match &v.ty {
                Some(ty) => apply_type_defaults(&bare, ty, value),
                None => value,
            };
            vars.insert(v.name.clone(), value);
        }
        Instance::new(self, def, prefix, key_path, vars, chain)
    }

    pub fn take_diagnostics(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.diags.borrow_mut())
    }
}

/// Apply the defaults of `optional(type, default)` attributes in a type constraint.
fn apply_type_defaults(inst: &Instance, ty: &Expr, value: Node) -> Node {
    let Expr::Call { name, args, .. } = ty else {
        return value;
    };
    match (name.as_str(), args.as_slice(), value.value) {
        ("optional", [inner, ..], v) => apply_type_defaults(
            inst,
            inner,
            Node {
                value: v,
                span: value.span,
            },
        ),
        ("object", [Expr::Object(fields, _)], Value::Map(mut m)) => {
            for (k, fty) in fields {
                let key = match k {
                    ast::ObjKey::Ident(s) => s.clone(),
                    ast::ObjKey::Expr(_) => continue,
                };
                let present = m.get(&key).filter(|n| !n.is_null()).cloned();
                let new = match (present, fty) {
                    (Some(n), _) => Some(apply_type_defaults(inst, fty, n)),
                    (None, Expr::Call { name, args, .. }) if name == "optional" => {
                        match args.get(1) {
                            Some(d) => {
                                let dv = inst.eval_or_unknown(d, &Scope::default());
                                Some(apply_type_defaults(inst, &args[0], dv))
                            }
                            None => Some(Node::null(value.span.clone())),
                        }
                    }
                    (None, _) => None,
                };
                if let Some(n) = new {
                    m.insert(key, n);
                }
            }
            Node::new(Value::Map(m), value.span)
        }
        ("list" | "set", [inner], Value::List(l)) => Node::new(
            Value::List(
                l.into_iter()
                    .map(|n| apply_type_defaults(inst, inner, n))
                    .collect(),
            ),
            value.span,
        ),
        ("map", [inner], Value::Map(m)) => Node::new(
            Value::Map(
                m.into_iter()
                    .map(|(k, n)| (k, apply_type_defaults(inst, inner, n)))
                    .collect(),
            ),
            value.span,
        ),
        (_, _, v) => Node {
            value: v,
            span: value.span,
        },
    }
}

/// `.terraform/modules/modules.json` of a root module: module key -> directory. It is read
/// like any file of the repository (a regular file, no link); the directories it names are
/// checked when a module call uses them.
fn read_modules_json(root: &Path) -> (HashMap<String, PathBuf>, Vec<Diagnostic>) {
    let mut out = HashMap::new();
    let path = root.join(".terraform/modules/modules.json");
    let text = match crate::fsread::read_string(&path, MAX_FILE_SIZE, crate::fsread::Links::Refuse)
    {
        Ok(t) => t,
        Err(e) if e.is_not_found() => return (out, Vec::new()),
        Err(e) => {
            let file: Arc<str> = Arc::from(path.to_string_lossy().as_ref());
            let d = Diagnostic::warning(
                Span::new(file, 1, 1, 1, 1),
                format!("{e}; installed modules are not resolved"),
            );
            return (out, vec![d]);
        }
    };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
        return (out, Vec::new());
    };
    if let Some(mods) = v.get("Modules").and_then(|m| m.as_array()) {
        for m in mods {
            if let (Some(k), Some(d)) = (
                m.get("Key").and_then(|k| k.as_str()),
                m.get("Dir").and_then(|d| d.as_str()),
            ) && !k.is_empty()
            {
                out.insert(k.to_string(), PathBuf::from(d));
            }
        }
    }
    (out, Vec::new())
}

/// Is this file part of a Terraform module?
pub fn is_tf_file(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".tf") || name.ends_with(".tf.json")
}

/// The `.tf` / `.tf.json` files of a module directory, sorted, and the ones with such a name
/// that are not read: symbolic links (wherever they lead) and what is not a regular file.
/// A link that cannot be resolved is left out silently here: discovery warns about it.
#[allow(clippy::type_complexity)]
fn module_files(dir: &Path) -> std::io::Result<(Vec<PathBuf>, Vec<(PathBuf, String)>)> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for e in std::fs::read_dir(dir)?.filter_map(|e| e.ok()) {
        let p = e.path();
        if !is_tf_file(&p) {
            continue;
        }
        // The entry's own type: a link is not followed to find it.
        let Ok(t) = e.file_type() else { continue };
        if t.is_file() {
            files.push(p);
        } else if t.is_symlink() {
            if std::fs::metadata(&p).is_ok() {
                skipped.push((p, crate::fsread::Refused::Symlink.to_string()));
            }
        } else if !t.is_dir() {
            skipped.push((p, "is not a regular file: not read".to_string()));
        }
    }
    files.sort();
    skipped.sort();
    Ok((files, skipped))
}

/// Parse every `.tf` / `.tf.json` file of a directory into a module definition, within
/// what is left of the root module's source budget ([`MAX_TREE_SOURCE`]).
pub fn load_module(dir: &Path, budget: &std::cell::Cell<u64>) -> (ModuleDef, Vec<Diagnostic>) {
    let mut def = ModuleDef {
        dir: dir.to_path_buf(),
        ..Default::default()
    };
    let mut diags = Vec::new();
    let files = match module_files(dir) {
        Ok((f, skipped)) => {
            for (p, why) in skipped {
                let file: Arc<str> = Arc::from(crate::discover::display(&p).as_str());
                diags.push(Diagnostic::warning(Span::new(file, 1, 1, 1, 1), why));
            }
            f
        }
        Err(e) => {
            diags.push(Diagnostic::error(
                Span::new(
                    Arc::from(crate::discover::display(dir).as_str()),
                    0,
                    0,
                    0,
                    0,
                ),
                format!("cannot read directory: {e}"),
            ));
            return (def, diags);
        }
    };
    for path in files {
        let file: Arc<str> = Arc::from(crate::discover::display(&path).as_str());
        // The whole module tree stays within its budget: past it, files are not parsed
        // (an error, so the gate fails unless parse errors are allowed).
        // (A file over the size limit of one file is refused with its own error.)
        let size = std::fs::symlink_metadata(&path).map_or(0, |m| m.len());
        if size <= MAX_FILE_SIZE && size > budget.get() {
            if budget.get() > 0 || size > 0 {
                diags.push(Diagnostic::error(
                    Span::new(file.clone(), 1, 1, 1, 1),
                    format!(
                        "the Terraform files of this root module and its modules add up to more than {} MiB (the memory budget of one root module): this file is not parsed",
                        MAX_TREE_SOURCE >> 20
                    ),
                ));
            }
            budget.set(0);
            continue;
        }
        if size <= MAX_FILE_SIZE {
            budget.set(budget.get().saturating_sub(size));
        }
        let Some(body) = read_body(&path, &file, crate::fsread::Links::Refuse, &mut diags) else {
            continue;
        };
        def.files.push(file);
        add_body(&mut def, body, &mut diags);
    }
    (def, diags)
}

/// Read and parse one `.tf`, `.tf.json`, `.tfvars` or `.tfvars.json` file.
pub fn read_body(
    path: &Path,
    file: &Arc<str>,
    links: crate::fsread::Links,
    diags: &mut Vec<Diagnostic>,
) -> Option<Body> {
    let text = read_text(path, file, links, diags)?;
    parse_text(file, &text, diags)
}

/// Read a file as UTF-8 text, within the size limit, through [`crate::fsread`] (a regular
/// file only; a symbolic link only when `links` allows it).
fn read_text(
    path: &Path,
    file: &Arc<str>,
    links: crate::fsread::Links,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let whole = Span::new(file.clone(), 1, 1, 1, 1);
    let bytes = match crate::fsread::read(path, MAX_FILE_SIZE, links) {
        Ok(b) => b,
        Err(e @ crate::fsread::Refused::TooLarge(_)) => {
            diags.push(Diagnostic::error(whole, e.to_string()));
            return None;
        }
        Err(crate::fsread::Refused::Io(e)) => {
            diags.push(Diagnostic::error(whole, format!("cannot read file: {e}")));
            return None;
        }
        // Deliberately not read (a link, a FIFO, a device): said, not an error.
        Err(e) => {
            diags.push(Diagnostic::warning(whole, e.to_string()));
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::error(
                crate::parse::utf8_error_span(file, &e),
                "file is not valid UTF-8",
            ));
            return None;
        }
    };
    Some(text)
}

/// Parse the text of a file (HCL, or JSON for `.json` names).
fn parse_text(file: &Arc<str>, text: &str, diags: &mut Vec<Diagnostic>) -> Option<Body> {
    let name = file.as_ref();
    let parsed = if name.ends_with(".json") {
        super::tfjson::parse(file.clone(), text)
    } else {
        if let Some(d) = super::depth::too_deep(text) {
            diags.push(Diagnostic::error(
                Span::new(file.clone(), d.0, d.1, d.0, d.1 + 1),
                format!(
                    "nesting deeper than {} levels: file not parsed",
                    super::depth::MAX_DEPTH
                ),
            ));
            return None;
        }
        ast::parse_hcl_with_warnings(file.clone(), text).map(|(b, warnings)| {
            for (span, msg) in warnings {
                diags.push(Diagnostic::warning(span, msg));
            }
            b
        })
    };
    match parsed {
        Ok(b) => Some(b),
        Err((span, msg)) => {
            diags.push(Diagnostic::error(span, msg));
            None
        }
    }
}

fn add_body(def: &mut ModuleDef, body: Body, diags: &mut Vec<Diagnostic>) {
    for a in body.attributes {
        diags.push(Diagnostic::warning(
            a.span,
            format!("unexpected top-level attribute \"{}\" ignored", a.name),
        ));
    }
    let comments = body.comments;
    def.resources.reserve(
        body.blocks
            .iter()
            .filter(|b| b.kind == "resource" || b.kind == "data")
            .count(),
    );
    let mut today = None;
    for c in comments
        .iter()
        .filter(|c| c.target == ast::CommentTarget::Detached)
    {
        let today = today.get_or_insert_with(crate::suppress::today);
        super::suppress::detached(c, today, diags);
    }
    for (index, b) in body.blocks.into_iter().enumerate() {
        let label = |i: usize| b.labels.get(i).cloned();
        match b.kind.as_str() {
            "variable" => {
                let Some(name) = label(0) else { continue };
                def.variables.push(VarDef {
                    name,
                    default: b.body.attr("default").map(|a| a.expr.clone()),
                    ty: b.body.attr("type").map(|a| a.expr.clone()),
                    nullable: !matches!(
                        b.body.attr("nullable").map(|a| &a.expr),
                        Some(Expr::Lit(n)) if n.as_bool() == Some(false)
                    ),
                    span: b.span.first_line(),
                });
            }
            "locals" => {
                for a in b.body.attributes {
                    def.locals.insert(a.name, a.expr);
                }
            }
            "output" => {
                if let (Some(name), Some(v)) = (label(0), b.body.attr("value")) {
                    def.outputs.insert(name, v.expr.clone());
                }
            }
            "resource" | "data" => {
                let (Some(rtype), Some(name)) = (label(0), label(1)) else {
                    continue;
                };
                let own: Vec<&ast::Comment> = comments
                    .iter()
                    .filter(|c| c.target == ast::CommentTarget::Block(index))
                    .collect();
                let today = today.get_or_insert_with(crate::suppress::today);
                let suppressions = super::suppress::read(&own, &b.body, today, diags);
                def.resources.push(ResDef {
                    suppressions,
                    is_data: b.kind == "data",
                    rtype,
                    name,
                    count: b.body.attr("count").map(|a| a.expr.clone()),
                    for_each: b.body.attr("for_each").map(|a| a.expr.clone()),
                    body: b.body,
                    span: b.header,
                });
            }
            "module" => {
                let Some(name) = label(0) else { continue };
                let source = match b.body.attr("source").map(|a| &a.expr) {
                    Some(Expr::Lit(n)) => n.as_str().map(str::to_string),
                    Some(Expr::Template(parts, _)) => match parts.as_slice() {
                        [ast::TPart::Lit(s)] => Some(s.clone()),
                        _ => None,
                    },
                    _ => None,
                };
                def.modules.push(ModCall {
                    name,
                    source,
                    count: b.body.attr("count").map(|a| a.expr.clone()),
                    for_each: b.body.attr("for_each").map(|a| a.expr.clone()),
                    body: b.body,
                    span: b.span,
                });
            }
            _ => {}
        }
    }
}

/// Variable values given on the command line and in var files, in Terraform's precedence
/// order (later wins): terraform.tfvars, terraform.tfvars.json, *.auto.tfvars(.json) in
/// lexical order, then `--var-file` and `--var` in the order given.
#[derive(Clone, Debug, Default)]
pub struct VarInputs {
    pub var_files: Vec<PathBuf>,
    pub vars: Vec<(String, String)>,
}

fn load_tfvars(
    path: &Path,
    ws: &Workspace,
    links: crate::fsread::Links,
    out: &mut HashMap<String, Node>,
) {
    let file: Arc<str> = Arc::from(crate::discover::display(path).as_str());
    let mut diags = Vec::new();
    ws.files_read.borrow_mut().insert(file.clone());
    // A policy set here is reported here (its statements keep their own lines), as in a
    // file read by `file()`; no call reads it (see `Evaluator::keeps_own_span`).
    ws.loaded
        .borrow_mut()
        .entry(file.clone())
        .or_insert_with(Span::none);
    if let Some(body) = read_body(path, &file, links, &mut diags) {
        let def = Arc::new(ModuleDef {
            dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
            ..Default::default()
        });
        let inst = Instance::new(
            ws,
            def,
            String::new(),
            String::new(),
            HashMap::new(),
            vec![],
        );
        // In JSON var files the top level is the object of variables.
        for a in body.attributes {
            out.insert(
                a.name.clone(),
                inst.eval_or_unknown(&a.expr, &Scope::default()),
            );
        }
        for b in body.blocks {
            diags.push(Diagnostic::warning(
                b.span.first_line(),
                format!(
                    "blocks are not allowed in a variables file: \"{}\" ignored",
                    b.kind
                ),
            ));
        }
    }
    for d in diags {
        ws.diag(d);
    }
}

/// The value of a `--var NAME=VALUE`: HCL syntax when it parses as a literal, else a string.
fn cli_var_value(value: &str) -> Node {
    let t = value.trim();
    let literal = t.starts_with('[')
        || t.starts_with('{')
        || matches!(t, "true" | "false" | "null")
        || t.parse::<f64>().is_ok();
    if literal
        && let Ok(body) = ast::parse_hcl(Arc::from("<--var>"), &format!("v = {t}\n"))
        && let Some(a) = body.attributes.first()
    {
        let ws = Workspace::new(PathBuf::from("."), PathBuf::from("."));
        let inst = Instance::new(
            &ws,
            Arc::new(ModuleDef::default()),
            String::new(),
            String::new(),
            HashMap::new(),
            vec![],
        );
        let mut n = inst.eval_or_unknown(&a.expr, &Scope::default());
        n.span = Span::none();
        return n;
    }
    Node::string(value, Span::none())
}

/// Evaluate the root module in `dir` with its whole module tree into a document.
pub fn scan_root_module(
    dir: &Path,
    scan_root: &Path,
    inputs: &VarInputs,
) -> (Document, BTreeSet<Arc<str>>) {
    scan_root_module_shared(dir, scan_root, inputs, None)
}

/// [`scan_root_module`], taking the module definitions that other root modules of the run
/// use too from `shared` (parsed once per run), with the directories discovery counted
/// this root module for (given back when it is done).
pub fn scan_root_module_shared(
    dir: &Path,
    scan_root: &Path,
    inputs: &VarInputs,
    shared: Option<(Arc<SharedDefs>, Vec<PathBuf>)>,
) -> (Document, BTreeSet<Arc<str>>) {
    let dir = normalize(dir);
    let mut ws = Workspace::new(dir.clone(), normalize(scan_root));
    if let Some((shared, counted)) = shared {
        ws.shared = Some(shared);
        ws.counted = counted;
    }
    let def = ws.module_def(&dir);

    let mut given: HashMap<String, Node> = HashMap::new();
    let mut auto: Vec<PathBuf> = Vec::new();
    // Files found in the repository: a link or a FIFO with such a name is refused with a
    // warning when read (never followed, never waited on).
    for name in ["terraform.tfvars", "terraform.tfvars.json"] {
        let p = dir.join(name);
        if std::fs::symlink_metadata(&p).is_ok_and(|m| !m.is_dir()) {
            auto.push(p);
        }
    }
    let mut autos: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
                .map(|e| e.path())
                .filter(|p| {
                    let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json")
                })
                .collect()
        })
        .unwrap_or_default();
    autos.sort();
    auto.extend(autos);
    for p in &auto {
        load_tfvars(p, &ws, crate::fsread::Links::Refuse, &mut given);
    }
    // Given by the user (a configuration file's var-files are checked to stay inside its
    // repository when it is loaded).
    for p in &inputs.var_files {
        load_tfvars(p, &ws, crate::fsread::Links::Follow, &mut given);
    }
    for (k, v) in &inputs.vars {
        given.insert(k.clone(), cli_var_value(v));
    }
    // Root variables without a value: Unknown, even when a default exists? No: Terraform
    // uses the default, and so do we.
    let root = ws.instance(def, String::new(), String::new(), given, vec![]);
    let mut doc = Document::default();
    collect_resources(&ws, &root, &mut doc.resources);
    drop(root);
    ws.release();
    doc.diagnostics = ws.take_diagnostics();
    doc.loaded = ws.loaded.borrow().clone();
    let files = ws.files_read.borrow().clone();
    (doc, files)
}

/// Evaluate one Terraform file given as text (`name` ends in `.tf` or `.tf.json`) as the only
/// file of a root module with no directory on disk: modules it calls and files it reads are
/// missing (with diagnostics). Used by the fuzz targets.
pub fn scan_text(name: &str, text: &str) -> Document {
    let dir = PathBuf::from("/nonexistent/rolegraph-in-memory-module");
    let ws = Workspace::new(dir.clone(), dir.clone());
    let file: Arc<str> = Arc::from(name);
    let mut diags = Vec::new();
    let mut def = ModuleDef {
        dir: dir.clone(),
        ..Default::default()
    };
    if let Some(body) = parse_text(&file, text, &mut diags) {
        def.files.push(file);
        add_body(&mut def, body, &mut diags);
    }
    for d in diags {
        ws.diag(d);
    }
    let def = Arc::new(def);
    ws.defs.borrow_mut().insert(dir, def.clone());
    let root = ws.instance(def, String::new(), String::new(), HashMap::new(), vec![]);
    let mut doc = Document::default();
    collect_resources(&ws, &root, &mut doc.resources);
    doc.diagnostics = ws.take_diagnostics();
    doc
}

fn collect_resources<'w>(ws: &'w Workspace, inst: &Instance<'w>, out: &mut Vec<Resource>) {
    for r in &inst.def.resources {
        // Policy documents are evaluated into the references to them.
        if r.is_data && r.rtype == "aws_iam_policy_document" {
            continue;
        }
        let keys = match expand(
            inst,
            r.count.as_ref(),
            r.for_each.as_ref(),
            &Scope::default(),
        ) {
            Ok(k) => k,
            Err(msg) => {
                ws.diag(Diagnostic::warning(r.span.first_line(), msg));
                vec![InstanceKey::UnknownCount]
            }
        };
        let kind = if r.is_data { "data." } else { "" };
        let ref_address = format!("{}{kind}{}.{}", inst.prefix, r.rtype, r.name);
        for k in keys {
            let scope = instance_scope(&k, &r.span);
            let attrs = inst.eval_body(&r.body, &scope, &r.span);
            out.push(Resource {
                format: Format::Terraform,
                mode: if r.is_data { Mode::Data } else { Mode::Managed },
                rtype: r.rtype.clone(),
                address: format!("{ref_address}{}", k.suffix()),
                ref_address: ref_address.clone(),
                attrs,
                span: r.span.clone(),
                attr_spans: r
                    .body
                    .attributes
                    .iter()
                    .map(|a| (a.name.clone(), a.span.clone()))
                    .collect(),
                suppressions: r.suppressions.clone(),
                construct_path: None,
            });
        }
    }
    for (_, child) in inst.children() {
        match &*child {
            Child::Single(c) => collect_resources(ws, c, out),
            Child::Many(m) => {
                for c in m.values() {
                    collect_resources(ws, c, out)
                }
            }
            Child::Opaque => {}
        }
    }
}

/// The local module sources a module directory calls (for deciding which directories are
/// roots).
pub fn local_module_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut def = ModuleDef {
        dir: dir.to_path_buf(),
        ..Default::default()
    };
    // Diagnostics are reported when the module is scanned, not here.
    let mut diags = Vec::new();
    for path in module_files(dir).map(|f| f.0).unwrap_or_default() {
        let file: Arc<str> = Arc::from(crate::discover::display(&path).as_str());
        let Some(text) = read_text(&path, &file, crate::fsread::Links::Refuse, &mut diags) else {
            continue;
        };
        // Only a file that can call a local module (`source = "./..."`) is parsed here.
        if !(text.contains("module") && text.contains("./")) {
            continue;
        }
        if let Some(body) = parse_text(&file, &text, &mut diags) {
            add_body(&mut def, body, &mut diags);
        }
    }
    def.modules
        .iter()
        .filter_map(|m| m.source.as_ref())
        .filter(|s| s.starts_with("./") || s.starts_with("../"))
        .map(|s| normalize(&dir.join(s)))
        .collect()
}
