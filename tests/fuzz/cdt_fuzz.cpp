// Target cdt: one list or map operation (CDT_READ / CDT_MODIFY payload, contexts
// included) applied to one bin (apply_cdt_op), and the payload taken as a secondary
// index context (valid_index_context, context_element). Input layout: bin_input.h.
// Beyond not crashing: a list or map the op writes, or returns, is msgpack that decodes.

#include "base/cdt.h"
#include "bin_input.h"
#include "fuzz.h"
#include "proto/msgpack.h"
#include "proto/particle.h"

namespace {

bool is_container(uint8_t particle) {
  return particle == uint8_t(proto::ParticleType::List) || particle == uint8_t(proto::ParticleType::Map);
}

void check_msgpack(const std::optional<asd::base::BinValue>& bin) {
  if (!bin || !is_container(bin->particle)) return;
  proto::msgpack::Value value;
  FUZZ_CHECK(proto::msgpack::decode(bin->bytes, &value));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::BinOpInput in = fuzz::read_bin_op(data, size);
  const asd::base::BinValue* current = in.bin ? &*in.bin : nullptr;
  asd::base::CdtOutcome out;
  if (asd::base::apply_cdt_op(current, in.payload, in.modify, &out) == common::ResultCode::Ok) {
    FUZZ_CHECK(in.modify || !out.bin_changed);
    if (out.bin_changed) check_msgpack(out.new_bin);
    check_msgpack(out.result);
  }
  if (asd::base::valid_index_context(in.payload) && current) {
    proto::msgpack::Value element;
    (void)asd::base::context_element(current->bytes, in.payload, &element);
  }
  return 0;
}
