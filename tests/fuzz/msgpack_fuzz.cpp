// Target msgpack: the decoder under every list/map bin, CDT payload and expression
// (proto::msgpack Reader and Value). Beyond not crashing: what decodes, skip() spans
// exactly; its encoding is a fixed point (encode, decode, encode gives the same bytes)
// and decodes to a value comparing equal to the first; and values read one after the
// other never step past the input.

#include <string>
#include <string_view>

#include "fuzz.h"
#include "proto/msgpack.h"

namespace mp = proto::msgpack;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);

  mp::Value value;
  if (mp::decode(bytes, &value)) {
    mp::Reader reader(bytes);
    std::string_view span;
    FUZZ_CHECK(reader.skip(&span) && reader.at_end() && span == bytes);
    std::string encoded = mp::encode(value);
    mp::Value again;
    FUZZ_CHECK(mp::decode(encoded, &again));
    FUZZ_CHECK(mp::encode(again) == encoded);
    FUZZ_CHECK(mp::compare(value, again) == 0 && mp::compare(again, value) == 0);
    (void)value.has_nonstorage();
  }

  // A stream of values, as an operation's argument list is read.
  mp::Reader reader(bytes);
  mp::Value previous;
  while (!reader.at_end()) {
    size_t before = reader.offset();
    mp::Value next;
    if (!mp::decode_one(&reader, &next)) break;
    FUZZ_CHECK(reader.offset() > before && reader.offset() <= bytes.size());
    int ab = mp::compare(previous, next);
    int ba = mp::compare(next, previous);
    // Antisymmetric, except that a wildcard makes any comparison "equal".
    FUZZ_CHECK(ab == -ba);
    previous = std::move(next);
  }
  return 0;
}
