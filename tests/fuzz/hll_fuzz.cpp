// Target hll: one HyperLogLog operation (HLL_READ / HLL_MODIFY payload) applied to one bin
// (apply_hll_op). Input layout: bin_input.h. Beyond not crashing: a modify writes an HLL
// bin that a read op (count) accepts again.

#include <string>

#include "base/hll.h"
#include "bin_input.h"
#include "fuzz.h"

namespace {

// hll_get_count, msgpack [50]: a read every valid HLL bin answers.
constexpr char kGetCount[] = "\x91\x32";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::BinOpInput in = fuzz::read_bin_op(data, size);
  asd::base::CdtOutcome out;
  common::ResultCode rc = asd::base::apply_hll_op(in.bin ? &*in.bin : nullptr, in.payload, in.modify, &out);
  if (rc != common::ResultCode::Ok) return 0;
  if (!in.modify) FUZZ_CHECK(!out.bin_changed);
  if (out.bin_changed && out.new_bin) {
    FUZZ_CHECK(out.new_bin->particle == 18);
    asd::base::CdtOutcome count;
    FUZZ_CHECK(asd::base::apply_hll_op(&*out.new_bin, std::string(kGetCount, 2), false, &count) ==
               common::ResultCode::Ok);
  }
  return 0;
}
