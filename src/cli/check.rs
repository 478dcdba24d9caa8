//! `fanout check FILE...`: prints each diagnostic as `file:line:col: severity: message`;
//! exits 1 if any file has an error, 2 if a file cannot be read, 0 otherwise.

use fanout::lang::parse_dag;

pub fn run(files: &[String]) -> i32 {
    if files.is_empty() {
        eprintln!("usage: fanout check FILE...");
        return 2;
    }
    let mut code = 0;
    for file in files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{file}: cannot read: {e}");
                code = 2;
                continue;
            }
        };
        let parsed = parse_dag(&text);
        for d in &parsed.diagnostics {
            println!("{file}:{}", d.render());
        }
        if parsed.has_errors() && code == 0 {
            code = 1;
        }
    }
    code
}
