#pragma once
// The stored form of an integration, shared by FileStore and RedisStore: the wire JSON of
// routing::integration_to_json (credentials included), with every credential value
// replaced by its ciphertext ("sb1:...", always a JSON string) when a cipher is given.
// Without a cipher, or for values written before encryption was enabled, credentials are
// plain JSON values, exactly the format `switchboard explain` reads.
//
// Pure and synchronous; thread-safe.

#include <string_view>

#include <nlohmann/json.hpp>

#include "registry/credential_cipher.h"
#include "routing/integration.h"
#include "routing/result.h"

namespace switchboard::registry {

// Errors: kEncryptFailed (not expected).
Result<nlohmann::ordered_json> encode_integration(const routing::Integration& integration,
                                                  const CredentialCipher* cipher);

// Validates the document like an integrations file (section 1 of the contract, `_id`
// required) and decrypts its credentials. `where` names the stored location in errors
// ("redis sb:env:o:e field int_1", "integrations.json [3]"). Errors:
//   kCorrupt        the document does not parse or validate (messages name JSON paths);
//   kDecryptFailed  a credential does not decrypt, or is encrypted and there is no cipher.
// No message contains a credential value.
Result<routing::Integration> decode_integration(nlohmann::ordered_json document, const CredentialCipher* cipher,
                                                std::string_view where);

}  // namespace switchboard::registry
