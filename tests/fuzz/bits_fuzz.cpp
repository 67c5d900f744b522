// Target bits: one bit operation (BIT_READ / BIT_MODIFY payload) applied to one bin
// (apply_bit_op). Input layout: bin_input.h. Beyond not crashing: a modify writes a blob
// under the 128 MiB cap and returns nothing; a read writes nothing.

#include "base/bits.h"
#include "bin_input.h"
#include "fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::BinOpInput in = fuzz::read_bin_op(data, size);
  asd::base::CdtOutcome out;
  common::ResultCode rc = asd::base::apply_bit_op(in.bin ? &*in.bin : nullptr, in.payload, in.modify, &out);
  if (rc != common::ResultCode::Ok) return 0;
  if (!in.modify) {
    FUZZ_CHECK(!out.bin_changed);
  } else if (out.bin_changed) {
    FUZZ_CHECK(out.new_bin && out.new_bin->particle == 4 && out.new_bin->bytes.size() < (128u << 20));
    FUZZ_CHECK(!out.result);
  }
  return 0;
}
