#include "proto/particle.h"

namespace proto {

bool is_blob_particle(uint8_t type) {
  switch (ParticleType(type)) {
    case ParticleType::Blob:
    case ParticleType::JavaBlob:
    case ParticleType::CsharpBlob:
    case ParticleType::PythonBlob:
    case ParticleType::RubyBlob:
    case ParticleType::PhpBlob:
    case ParticleType::ErlangBlob:
      return true;
    default:
      return false;
  }
}

bool is_storable_particle(uint8_t type) {
  if (is_blob_particle(type)) return true;
  switch (ParticleType(type)) {
    case ParticleType::Integer:
    case ParticleType::Float:
    case ParticleType::String:
    case ParticleType::Bool:
    case ParticleType::Hll:
    case ParticleType::Map:
    case ParticleType::List:
    case ParticleType::GeoJson:
      return true;
    default:
      return false;
  }
}

}  // namespace proto
