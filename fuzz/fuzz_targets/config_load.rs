//! Any text given to the configuration loader yields a model or a list of diagnostics: never a
//! panic, whatever the lexer, the section parser or the validator meet.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = switchyard_core::config::load_str("fuzz.cfg", text);
    }
});
