//! The built binary: binds 127.0.0.1 on an ephemeral port, prints exactly one line, logs
//! method, path and status only, and exits cleanly on SIGTERM and SIGINT.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Drop for Server {
    fn drop(&mut self) {
        // Only our own child, by its handle.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse-sandbox"))
        .env("SANDBOX_PORT", "0")
        .env_remove("SANDBOX_PUBLIC_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let port = line
        .trim_end()
        .strip_prefix("sandbox listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .parse()
        .unwrap();
    Server {
        child,
        port,
        stdout,
    }
}

fn http(port: u16, request_line: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let content = if body.is_empty() {
        String::new()
    } else {
        format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        )
    };
    write!(
        stream,
        "{request_line} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{content}\r\n{body}"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

fn signal_and_wait(server: &mut Server, signal: &str) -> std::process::ExitStatus {
    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args([signal, &pid])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "server did not stop on {signal}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn binary_serves_logs_without_secrets_and_stops_on_sigterm() {
    let mut server = start();
    let health = http(server.port, "GET /_control/health", "");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");

    let token = http(
        server.port,
        "POST /stream/oauth/token",
        r#"{"grant_type":"client_credentials","client_id":"sandbox-stream-client","client_secret":"sandbox-stream-secret"}"#,
    );
    assert!(token.starts_with("HTTP/1.1 200"), "{token}");
    let sso = http(
        server.port,
        "GET /white-label/redirect/sso?code=secret-code-value",
        "",
    );
    assert!(sso.starts_with("HTTP/1.1 400"), "{sso}");

    let status = signal_and_wait(&mut server, "-TERM");
    assert!(status.success(), "{status:?}");

    let mut rest = String::new();
    server.stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "", "stdout has exactly one line");
    let mut log = String::new();
    server
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(log.contains("GET /_control/health 200"), "{log}");
    assert!(log.contains("POST /stream/oauth/token 200"), "{log}");
    assert!(log.contains("GET /white-label/redirect/sso 400"), "{log}");
    for secret in [
        "secret-code-value",
        "sandbox-stream-secret",
        "access_token",
        "code=",
    ] {
        assert!(!log.contains(secret), "log leaks {secret}: {log}");
    }
}

#[test]
fn binary_stops_on_sigint() {
    let mut server = start();
    assert!(http(server.port, "GET /_control/health", "").starts_with("HTTP/1.1 200"));
    let status = signal_and_wait(&mut server, "-INT");
    assert!(status.success(), "{status:?}");
}
