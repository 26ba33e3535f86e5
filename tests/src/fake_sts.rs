//! A loopback HTTP server for an offline `terraform plan` of the infra root, whose data sources call AWS: EKS
//! `ListClusters` (`GET /clusters`, for the `pod_network_ready` gate) is answered with no cluster, a new account;
//! S3 `HeadBucket` (`HEAD /<bucket>`, path style) and KMS `DescribeKey` (`X-Amz-Target: TrentService.DescribeKey`)
//! find the archive root's bucket and key (`data.aws_s3_bucket`, `data.aws_kms_key`), as if it were applied; every
//! other request gets an STS `GetCallerIdentity` response (`data.aws_caller_identity`). It serves until the test
//! process exits.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};

/// The account id the fake STS answers with.
pub const ACCOUNT_ID: &str = "123456789012";

/// The region of the bucket and key it finds: the declared platform's.
const REGION: &str = "us-east-2";

fn body() -> String {
    format!(
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <GetCallerIdentityResult><Arn>arn:aws:iam::{ACCOUNT_ID}:user/plan-test</Arn>\
         <UserId>AIDAPLANTEST</UserId><Account>{ACCOUNT_ID}</Account></GetCallerIdentityResult>\
         <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>\
         </GetCallerIdentityResponse>"
    )
}

fn serve(stream: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut stream = stream;
    loop {
        let mut length = 0usize;
        let mut first = true;
        let (mut list_clusters, mut head, mut describe_key) = (false, false, false);
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let trimmed = line.trim_end();
            if trimmed.is_empty() && !first {
                break;
            }
            if first {
                list_clusters = trimmed.starts_with("GET /clusters");
                head = trimmed.starts_with("HEAD /");
            }
            first = false;
            if let Some((name, value)) = trimmed.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
                if name.eq_ignore_ascii_case("x-amz-target") && value.trim() == "TrentService.DescribeKey" {
                    describe_key = true;
                }
            }
        }
        let mut request_body = vec![0u8; length];
        reader.read_exact(&mut request_body)?;
        if head {
            // A bucket in the region the provider asks about (the S3 manager reads it off this header).
            write!(stream, "HTTP/1.1 200 OK\r\nx-amz-bucket-region: {REGION}\r\nContent-Length: 0\r\n\r\n")?;
            stream.flush()?;
            continue;
        }
        let (kind, body) = if list_clusters {
            ("application/json", r#"{"clusters":[]}"#.to_owned())
        } else if describe_key {
            let id = "00000000-0000-4000-8000-000000000000";
            let arn = format!("arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/{id}");
            let metadata = format!(
                r#"{{"KeyMetadata":{{"KeyId":"{id}","Arn":"{arn}","AWSAccountId":"{ACCOUNT_ID}","Enabled":true,"KeyState":"Enabled","KeyUsage":"ENCRYPT_DECRYPT","KeySpec":"SYMMETRIC_DEFAULT","KeyManager":"CUSTOMER","Origin":"AWS_KMS","CreationDate":1.7e9}}}}"#
            );
            ("application/x-amz-json-1.1", metadata)
        } else {
            ("text/xml", body())
        };
        write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nx-amzn-RequestId: 0\r\n\r\n{body}",
            body.len()
        )?;
        stream.flush()?;
    }
}

/// Starts the server on a free loopback port; returns its URL.
pub fn start() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("a local address"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream));
        }
    });
    url
}
