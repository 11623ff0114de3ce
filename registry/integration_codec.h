#pragma once
// The stored form of an integration, shared by FileStore and RedisStore: the wire JSON of
// routing::integration_to_json (credentials included), with every credential value
// replaced by its ciphertext ("sb1:...", always a JSON string) when a cipher is given.
// Without a cipher, or for values written before encryption was enabled, credentials are
// plain JSON values, exactly the format `switchboard explain` reads.
//
// Pure and synchronous; thread-safe.

#include <optional>
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
//
// with_credentials = false (readers that never show credentials, e.g. the API's ApiKey
// callers): the result has `credentials` absent and no encrypted value is decrypted, so
// no cipher is needed and a value that would not decrypt goes unnoticed. Plain values
// and the key names of encrypted ones are still validated.
Result<routing::Integration> decode_integration(nlohmann::ordered_json document, const CredentialCipher* cipher,
                                                std::string_view where, bool with_credentials = true);

// The fast read path of the stores, on the stored text of one document. It decodes only
// text in the exact form our own writes produce (encode_integration's document dumped
// compactly: members in integration_to_json's order, no whitespace, no conditions, no
// object credentials) and returns nullopt for anything else, or when a credential does
// not decrypt. What it returns is what decode_integration returns for that document: the
// same checks run (required and non-empty members, channel, kind, provider of the channel,
// credential keys and types, configurations, priority, timestamps), only without building
// a JSON tree and running the general validator. Callers fall back to
// decode_integration on nullopt, which decodes the rest or reports the error.
std::optional<routing::Integration> decode_stored_fast(std::string_view text, const CredentialCipher* cipher,
                                                       bool with_credentials = true);

// decode_stored_fast, else Json::parse and decode_integration (errors as documented there).
Result<routing::Integration> decode_stored_integration(std::string_view text, const CredentialCipher* cipher,
                                                       std::string_view where, bool with_credentials = true);

}  // namespace switchboard::registry
