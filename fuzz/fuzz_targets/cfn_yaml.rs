//! CloudFormation YAML: parser, intrinsics, SAM, graph, rules, every output format.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        rolegraph::fuzzing::cloudformation_yaml(text);
    }
});
