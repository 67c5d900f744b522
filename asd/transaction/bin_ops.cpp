#include "transaction/bin_ops.h"

#include <cstring>

#include "base/bits.h"
#include "base/cdt.h"
#include "base/hll.h"
#include "base/hll_sketch.h"
#include "base/geojson.h"
#include "common/bytes.h"

namespace asd {

using common::ResultCode;
using proto::OpType;
using proto::ParticleType;

namespace {

ResultCode check_geojson(std::string_view value) {
  std::optional<std::string_view> text = base::geojson_particle_text(value);
  return text && base::is_valid_geojson(*text) ? ResultCode::Ok : ResultCode::GeoInvalidGeojson;
}

ResultCode incr_bin(Record& record, const proto::Op& op) {
  if (op.particle == uint8_t(ParticleType::Integer)) {
    if (op.value.size() != 8) return ResultCode::Parameter;
    int64_t delta = int64_t(common::load_be64(common::as_bytes(op.value)));
    Bin* bin = record.find_bin(op.name);
    if (!bin) {
      record.bins.push_back(Bin{std::string(op.name), op.particle, std::string(op.value)});
      return ResultCode::Ok;
    }
    if (bin->particle != uint8_t(ParticleType::Integer)) return ResultCode::IncompatibleType;
    // Wraps on overflow, as the real server's integer add does.
    uint64_t sum = common::load_be64(common::as_bytes(bin->value)) + uint64_t(delta);
    common::store_be64(reinterpret_cast<uint8_t*>(bin->value.data()), sum);
    return ResultCode::Ok;
  }
  if (op.particle == uint8_t(ParticleType::Float)) {
    if (op.value.size() != 8) return ResultCode::Parameter;
    double delta;
    uint64_t raw = common::load_be64(common::as_bytes(op.value));
    std::memcpy(&delta, &raw, 8);
    Bin* bin = record.find_bin(op.name);
    if (!bin) {
      record.bins.push_back(Bin{std::string(op.name), op.particle, std::string(op.value)});
      return ResultCode::Ok;
    }
    if (bin->particle != uint8_t(ParticleType::Float)) return ResultCode::IncompatibleType;
    double current;
    uint64_t cur_raw = common::load_be64(common::as_bytes(bin->value));
    std::memcpy(&current, &cur_raw, 8);
    double sum = current + delta;
    uint64_t out;
    std::memcpy(&out, &sum, 8);
    common::store_be64(reinterpret_cast<uint8_t*>(bin->value.data()), out);
    return ResultCode::Ok;
  }
  return ResultCode::IncompatibleType;
}

ResultCode concat_bin(Record& record, const proto::Op& op, bool append) {
  if (op.particle != uint8_t(ParticleType::String) && !proto::is_blob_particle(op.particle)) {
    return ResultCode::IncompatibleType;
  }
  Bin* bin = record.find_bin(op.name);
  if (!bin) {
    record.bins.push_back(Bin{std::string(op.name), op.particle, std::string(op.value)});
    return ResultCode::Ok;
  }
  if (bin->particle != op.particle) return ResultCode::IncompatibleType;
  if (append) bin->value.append(op.value);
  else bin->value.insert(0, op.value);
  return ResultCode::Ok;
}

// The CDT, bit and HLL op families share one shape: the bin's value in, a changed bin
// and a result out.
using ParticleOpFn = ResultCode (*)(const base::BinValue*, std::string_view, bool, base::CdtOutcome*);

ResultCode particle_op(ParticleOpFn apply, Record* writable, const Record& record, const proto::Op& op,
                       bool modify, std::optional<OpResult>* result) {
  const Bin* bin = record.find_bin(op.name);
  base::BinValue current;
  if (bin) current = base::BinValue{bin->particle, bin->value};
  base::CdtOutcome outcome;
  ResultCode rc = apply(bin ? &current : nullptr, op.value, modify, &outcome);
  if (rc != ResultCode::Ok) return rc;
  if (modify && outcome.bin_changed && writable) {
    if (!outcome.new_bin) {
      writable->remove_bin(op.name);
    } else if (Bin* target = writable->find_bin(op.name)) {
      target->particle = outcome.new_bin->particle;
      target->value = std::move(outcome.new_bin->bytes);
    } else {
      writable->bins.push_back(
          Bin{std::string(op.name), outcome.new_bin->particle, std::move(outcome.new_bin->bytes)});
    }
  }
  if (outcome.result) {
    *result = OpResult{op.op, std::string(op.name), outcome.result->particle,
                       std::move(outcome.result->bytes)};
  }
  return ResultCode::Ok;
}

}  // namespace

ResultCode check_bin_value(uint8_t particle, std::string_view value) {
  if (!proto::is_storable_particle(particle)) return ResultCode::Parameter;
  switch (ParticleType(particle)) {
    case ParticleType::Integer:
    case ParticleType::Float:
      return value.size() == 8 ? ResultCode::Ok : ResultCode::Parameter;
    case ParticleType::Bool:
      return value.size() == 1 ? ResultCode::Ok : ResultCode::Parameter;
    case ParticleType::GeoJson:
      return check_geojson(value);
    case ParticleType::Hll:  // the server refuses a sketch it could not operate on
      return base::hll::valid_sketch(value) ? ResultCode::Ok : ResultCode::Parameter;
    default:
      return ResultCode::Ok;
  }
}

ResultCode apply_write_op(Record& record, const proto::Op& op, std::optional<OpResult>* result) {
  if (op.name.size() > proto::kMaxBinNameSize) return ResultCode::BinName;
  switch (OpType(op.op)) {
    case OpType::Write: {
      if (op.name.empty()) return ResultCode::BinName;
      if (op.particle == uint8_t(ParticleType::Null)) {
        record.remove_bin(op.name);
        return ResultCode::Ok;
      }
      if (ResultCode rc = check_bin_value(op.particle, op.value); rc != ResultCode::Ok) return rc;
      if (Bin* bin = record.find_bin(op.name)) {
        bin->particle = op.particle;
        bin->value.assign(op.value);
      } else {
        record.bins.push_back(Bin{std::string(op.name), op.particle, std::string(op.value)});
      }
      return ResultCode::Ok;
    }
    case OpType::Incr:
      if (op.name.empty()) return ResultCode::BinName;
      return incr_bin(record, op);
    case OpType::Append:
    case OpType::Prepend:
      if (op.name.empty()) return ResultCode::BinName;
      return concat_bin(record, op, OpType(op.op) == OpType::Append);
    case OpType::CdtModify: return particle_op(base::apply_cdt_op, &record, record, op, true, result);
    case OpType::BitModify: return particle_op(base::apply_bit_op, &record, record, op, true, result);
    case OpType::HllModify: return particle_op(base::apply_hll_op, &record, record, op, true, result);
    default:
      return ResultCode::Parameter;
  }
}

ResultCode apply_read_op(const Record& record, const proto::Op& op, std::optional<OpResult>* result) {
  switch (OpType(op.op)) {
    case OpType::Read: {
      if (const Bin* bin = record.find_bin(op.name)) {
        *result = OpResult{op.op, bin->name, bin->particle, bin->value};
      }
      return ResultCode::Ok;
    }
    case OpType::CdtRead: return particle_op(base::apply_cdt_op, nullptr, record, op, false, result);
    case OpType::BitRead: return particle_op(base::apply_bit_op, nullptr, record, op, false, result);
    case OpType::HllRead: return particle_op(base::apply_hll_op, nullptr, record, op, false, result);
    default:
      return ResultCode::Parameter;
  }
}

}  // namespace asd
