#include "common/digest.h"

#include <openssl/evp.h>

#include "common/bytes.h"

namespace common {

namespace {

// Fetched once: EVP_MD_fetch is expensive, the returned method is immutable and shared.
const EVP_MD* ripemd160() {
  static const EVP_MD* md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "RIPEMD160", nullptr);
    return fetched ? fetched : EVP_ripemd160();
  }();
  return md;
}

}  // namespace

Digest Digest::from(std::string_view raw) {
  Digest d;
  std::memcpy(d.bytes.data(), raw.data(), std::min(raw.size(), kDigestSize));
  return d;
}

std::string Digest::hex() const { return to_hex(view()); }

Digest compute_digest(std::string_view set, uint8_t key_type, std::string_view key_bytes) {
  Digest d;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, ripemd160(), nullptr);
  EVP_DigestUpdate(ctx, set.data(), set.size());
  EVP_DigestUpdate(ctx, &key_type, 1);
  EVP_DigestUpdate(ctx, key_bytes.data(), key_bytes.size());
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, d.bytes.data(), &len);
  EVP_MD_CTX_free(ctx);
  return d;
}

Digest compute_digest(std::string_view set, int64_t key) {
  uint8_t be[8];
  store_be64(be, uint64_t(key));
  return compute_digest(set, uint8_t(KeyType::Integer),
                        std::string_view(reinterpret_cast<char*>(be), 8));
}

Digest compute_digest(std::string_view set, std::string_view string_key) {
  return compute_digest(set, uint8_t(KeyType::String), string_key);
}

std::string to_hex(std::string_view bytes, bool upper) {
  static constexpr char kLower[] = "0123456789abcdef";
  static constexpr char kUpper[] = "0123456789ABCDEF";
  const char* digits = upper ? kUpper : kLower;
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

}  // namespace common
