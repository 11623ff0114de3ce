#pragma once
// A throwaway self-signed server certificate for the sink, made with OpenSSL's EVP/X509
// APIs: ECDSA P-256, CN=localhost, SAN DNS:localhost, IP:127.0.0.1, IP:::1, valid for 30
// days. The certificate is its own CA, so clients trust it by loading cert.pem as a CA file.

#include <string>

namespace switchboard::sink {

struct CertFiles {
  std::string cert_pem;  // <dir>/cert.pem
  std::string key_pem;   // <dir>/key.pem (mode 0600)
};

// Generates a key and certificate and writes them into `dir` (created when missing).
// Throws std::runtime_error, with OpenSSL's reason, on failure.
CertFiles write_self_signed_cert(const std::string& dir);

}  // namespace switchboard::sink
