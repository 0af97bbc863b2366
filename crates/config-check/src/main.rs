//! `gatehouse-config-check [--env NAME] [--config wrangler.toml] [--secrets FILE]`: checks a
//! deployment's configuration before `wrangler deploy`; exits 1 naming every problem.
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let env = arg("--env").unwrap_or_default();
    let config = arg("--config").unwrap_or_else(|| "wrangler.toml".into());
    let text = match std::fs::read_to_string(&config) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {config}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // `--headers-from www/_headers`: print the deployment's `_headers` (scripts/build.sh).
    if let Some(template) = arg("--headers-from") {
        let made = std::fs::read_to_string(&template)
            .map_err(|e| format!("cannot read {template}: {e}"))
            .and_then(|t| gatehouse_config_check::deployment_headers(&t, &text, &env));
        return match made {
            Ok(h) => {
                print!("{h}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    let secrets = match arg("--secrets").map(std::fs::read_to_string) {
        Some(Ok(s)) => Some(gatehouse_config_check::parse_secrets(&s)),
        Some(Err(e)) => {
            eprintln!("cannot read the secrets file: {e}");
            return ExitCode::FAILURE;
        }
        None => None,
    };
    let report = gatehouse_config_check::check(&text, &env, secrets.as_ref());
    let shown = if env.is_empty() {
        "the top level"
    } else {
        &env
    };
    println!(
        "secrets this configuration needs (wrangler secret put NAME{}):",
        if env.is_empty() {
            String::new()
        } else {
            format!(" --env {env}")
        }
    );
    for s in &report.required_secrets {
        println!("  {s}");
    }
    println!("where each credential's partner API is:");
    for line in &report.api_bases {
        println!("  {line}");
    }
    if report.problems.is_empty() {
        println!("configuration of {shown}: OK");
        ExitCode::SUCCESS
    } else {
        for p in &report.problems {
            println!("problem: {p}");
        }
        println!(
            "configuration of {shown}: {} problem(s)",
            report.problems.len()
        );
        ExitCode::FAILURE
    }
}
