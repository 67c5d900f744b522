#pragma once
// Particle types: the type byte of an op's value and of a stored bin (wire-protocol.md),
// and the predicates over them that server, client and tools share.

#include <cstdint>

namespace proto {

enum class ParticleType : uint8_t {
  Null = 0,
  Integer = 1,
  Float = 2,
  String = 3,
  Blob = 4,
  JavaBlob = 7,
  CsharpBlob = 8,
  PythonBlob = 9,
  RubyBlob = 10,
  PhpBlob = 11,
  ErlangBlob = 12,
  Bool = 17,
  Hll = 18,
  Map = 19,
  List = 20,
  GeoJson = 23,
};

// True for the plain blob and the language-tagged blobs (Java, C#, Python, Ruby, PHP,
// Erlang): all raw bytes to the server, which only keeps the tag.
bool is_blob_particle(uint8_t type);

// True for particle types a server stores as given (everything a client may send).
bool is_storable_particle(uint8_t type);

}  // namespace proto
