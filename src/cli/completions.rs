//! `fanout completions SHELL`: a shell completion script, from the clap definition itself.

use super::{emit, Cli};
use clap::CommandFactory;
use clap_complete::Shell;

/// Print a shell completion script
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  fanout completions bash > \
~/.local/share/bash-completion/completions/fanout\n  fanout completions zsh > \
~/.zfunc/_fanout      (with `fpath+=~/.zfunc` before compinit)\n  fanout completions fish > \
~/.config/fish/completions/fanout.fish")]
pub struct Args {
    /// The shell to write completions for
    #[arg(value_name = "SHELL", value_parser = ["bash", "zsh", "fish"])]
    shell: String,
}

pub fn run(a: Args) -> u8 {
    let shell = match a.shell.as_str() {
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        _ => Shell::Bash,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "fanout", &mut script);
    emit(&String::from_utf8_lossy(&script))
}
