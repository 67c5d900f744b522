// Writes the seed corpus: a few small valid inputs per target, made with the project's
// own encoders so they follow the formats exactly (the fuzzer finds the invalid ones),
// and the dictionaries of the configuration targets, made from the key table, and of the
// admin target, made from the predefined roles.
//   fuzz_make_corpus FUZZ_DIR CONF_EXAMPLES_DIR
// writes FUZZ_DIR/corpus/<target>/<name> and FUZZ_DIR/dicts/<target>.dict;
// scripts/fuzz --seed-corpus runs it on tests/fuzz.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "admin_input.h"
#include "base/cdt.h"
#include "base/hll.h"
#include "common/bytes.h"
#include "common/digest.h"
#include "conf/key_table.h"
#include "proto/admin.h"
#include "proto/batch.h"
#include "proto/cdt_ops.h"
#include "proto/compression.h"
#include "proto/frame.h"
#include "proto/info.h"
#include "proto/message.h"
#include "proto/msgpack.h"
#include "proto/xdr_frame.h"
#include "conf/xdr_local_login.h"
#include "security/local_login.h"
#include "security/password.h"
#include "security/privilege.h"
#include "security/user_role.h"

namespace {

namespace fs = std::filesystem;
namespace mp = proto::msgpack;
namespace cdt = proto::cdt;
using mp::Value;
using proto::FieldType;
using proto::OpType;

fs::path g_out;

void put(const std::string& target, const std::string& name, const std::string& bytes) {
  fs::create_directories(g_out / "corpus" / target);
  std::ofstream(g_out / "corpus" / target / name, std::ios::binary) << bytes;
}

std::string msgpack(const std::function<void(mp::Writer&)>& write) {
  std::string out;
  mp::Writer w(&out);
  write(w);
  return out;
}

std::string be64(uint64_t v) {
  std::string out(8, '\0');
  common::store_be64(reinterpret_cast<uint8_t*>(out.data()), v);
  return out;
}

// AS_MSG bodies -------------------------------------------------------------------------

struct OpSpec {
  OpType op;
  uint8_t particle;
  std::string name;
  std::string value;
};

std::string message(uint8_t info1, uint8_t info2, std::vector<std::pair<FieldType, std::string>> fields,
                    const std::vector<OpSpec>& ops) {
  std::string out;
  proto::MsgHeader h;
  h.info1 = info1;
  h.info2 = info2;
  h.transaction_ttl = 1000;
  size_t at = proto::append_msg_header(out, h);
  for (const auto& [type, data] : fields) proto::append_field(out, type, data);
  for (const OpSpec& op : ops) proto::append_op(out, op.op, op.particle, op.name, op.value);
  proto::patch_msg_counts(out, at, uint16_t(fields.size()), uint16_t(ops.size()));
  return out;
}

std::string proto_of(proto::ProtoType type, const std::string& body) {
  std::string out;
  size_t at = proto::begin_proto(out, type);
  out += body;
  proto::end_proto(out, at);
  return out;
}

std::string record_fields_digest() { return std::string(common::compute_digest("demo", int64_t(1)).view()); }

std::vector<std::pair<FieldType, std::string>> key_fields() {
  return {{FieldType::Namespace, "test"}, {FieldType::Set, "demo"}, {FieldType::Digest, record_fields_digest()}};
}

std::string read_body() {
  return message(proto::info1::kRead, 0, key_fields(), {{OpType::Read, 0, "n", ""}});
}

std::string write_body() {
  return message(0, proto::info2::kWrite, key_fields(),
                 {{OpType::Write, 1, "n", be64(7)},
                  {OpType::Write, 3, "s", "hello"},
                  {OpType::Write, 20, "l", msgpack([](mp::Writer& w) { w.array_header(2); w.integer(1); w.string("a"); })}});
}

std::string operate_body() {
  return message(proto::info1::kRead, proto::info2::kWrite | proto::info2::kRespondAllOps, key_fields(),
                 {{OpType::CdtModify, 4, "l", cdt::list_append(Value::integer(3))},
                  {OpType::CdtRead, 4, "l", cdt::list_size()},
                  {OpType::Incr, 1, "n", be64(1)},
                  {OpType::Touch, 0, "", ""}});
}

std::string scan_body() {
  std::string filter = msgpack([](mp::Writer& w) {  // eq(bin_int("n"), 7)
    w.array_header(3); w.integer(1);
    w.array_header(3); w.integer(81); w.integer(2); w.raw_str("n");
    w.integer(7);
  });
  return message(proto::info1::kRead, 0,
                 {{FieldType::Namespace, "test"}, {FieldType::Set, "demo"}, {FieldType::Filter, filter}}, {});
}

std::string batch_field() {
  std::string field;
  common::append_be32(field, 3);
  field.push_back(char(proto::batch_parent::kAllowInline));
  for (uint32_t i = 0; i < 2; ++i) {
    proto::append_batch_row(field, i, common::compute_digest("demo", int64_t(i)), proto::info1::kRead, "test",
                            "demo", {"n", "s"});
  }
  // A repeat row: index, digest, flags only.
  common::append_be32(field, 2);
  field += common::compute_digest("demo", int64_t(2)).view();
  field.push_back(char(proto::batch_flags::kRepeat));
  return field;
}

std::string batch_write_field() {
  std::string field;
  common::append_be32(field, 1);
  field.push_back(0);
  common::append_be32(field, 0);
  field += common::compute_digest("demo", int64_t(9)).view();
  field.push_back(char(proto::batch_flags::kHasInfo | proto::batch_flags::kHasInfo4 |
                       proto::batch_flags::kHasGeneration | proto::batch_flags::kHasTtl));
  field.push_back(0);                             // info1
  field.push_back(char(proto::info2::kWrite));    // info2
  field.push_back(0);                             // info3
  field.push_back(0);                             // info4
  common::append_be16(field, 0);                  // generation
  common::append_be32(field, 3600);               // ttl
  common::append_be16(field, 2);
  common::append_be16(field, 1);
  proto::append_field(field, FieldType::Namespace, "test");
  proto::append_field(field, FieldType::Key, std::string("\x01", 1) + be64(9));
  proto::append_op(field, OpType::Write, 3, "s", "v");
  return field;
}

std::string batch_body(const std::string& field) {
  return message(proto::info1::kRead | proto::info1::kBatch, 0, {{FieldType::BatchIndex, field}}, {});
}

void wire_codec() {
  std::string info = proto::make_info_request({"build", "namespaces", "namespace/test", "get-config:context=service"});
  put("wire", "info", info);
  put("wire", "read", proto_of(proto::ProtoType::Message, read_body()));
  put("wire", "batch", proto_of(proto::ProtoType::Message, batch_body(batch_field())));
  put("wire", "compressed_zlib", proto::deflate_proto(proto_of(proto::ProtoType::Message, write_body())));
  put("wire", "compressed_zstd", proto::deflate_proto_zstd(proto_of(proto::ProtoType::Message, operate_body())));
  put("wire", "admin_login", proto_of(proto::ProtoType::Admin, std::string(16, '\0')));
  put("wire", "info_then_write", info + proto_of(proto::ProtoType::Message, write_body()));

  put("as_msg", "read", read_body());
  put("as_msg", "write", write_body());
  put("as_msg", "operate", operate_body());
  put("as_msg", "scan_filter", scan_body());
  put("as_msg", "delete", message(0, proto::info2::kWrite | proto::info2::kDelete, key_fields(), {}));
  std::string lut_op = message(0, proto::info2::kWrite, key_fields(), {{OpType::Write, 1, "n", be64(1)}});
  lut_op[lut_op.size() - 8 - 1 - 2] = char(proto::kOpFlagHasLut);  // flags byte of the op
  put("as_msg", "op_with_lut_flag", lut_op + be64(1234));

  put("info", "requests", "build\nnode\nnamespace/test\nsets/test/demo\n"
                          "set-config:context=namespace;id=test;default-ttl=100\n");
  put("info", "answer", "build\t7.2.0.0\nnamespaces\ttest;bar\n");
  put("info", "fragment", "statistics\nlatencies:hist=read;back=10");

  put("batch", "reads_and_repeat", batch_field());
  put("batch", "write_row_with_key", batch_write_field());
}

// Values and operations -----------------------------------------------------------------

void values() {
  put("msgpack", "scalars", msgpack([](mp::Writer& w) {
    w.array_header(9); w.nil(); w.boolean(true); w.integer(-1); w.integer(300); w.integer(-70000);
    w.uinteger(UINT64_MAX); w.float64(2.5); w.string("abc"); w.blob("\x01\x02");
  }));
  put("msgpack", "ordered_map", msgpack([](mp::Writer& w) {
    w.map_header(3); w.ext(mp::kMapKeyOrdered, {}); w.nil();
    w.string("a"); w.integer(1); w.string("b"); w.array_header(1); w.geojson("{}");
  }));
  put("msgpack", "ordered_list_nested", msgpack([](mp::Writer& w) {
    w.array_header(3); w.ext(mp::kListOrdered, {}); w.integer(1);
    w.array_header(2); w.map_header(0); w.array_header(0);
  }));
  put("msgpack", "wildcard_infinity", msgpack([](mp::Writer& w) {
    w.array_header(3); w.integer(1); w.wildcard(); w.infinity();
  }));
  put("msgpack", "float32_ext", std::string("\x92\xca\x3f\x80\x00\x00\xd4\x05\x07", 9));

  // cdt, bits, hll: bin_input.h (flags, bin length, bin, payload).
  auto bin_op = [](bool modify, int particle_index, const std::string& bin, const std::string& payload) {
    std::string out(1, char((modify ? 1 : 0) | (bin.empty() && particle_index < 0 ? 0 : 2) |
                            ((particle_index < 0 ? 0 : particle_index) << 2)));
    common::append_be16(out, uint16_t(bin.size()));
    return out + bin + payload;
  };
  constexpr int kBlob = 4, kHll = 5, kMap = 6, kList = 7;  // indexes into bin_input.h's table
  const std::string list = msgpack([](mp::Writer& w) {
    w.array_header(4); w.integer(3); w.integer(1); w.string("x"); w.array_header(1); w.integer(2);
  });
  const std::string map = msgpack([](mp::Writer& w) {
    w.map_header(2); w.string("a"); w.integer(1); w.string("b"); w.map_header(1); w.string("c"); w.integer(2);
  });
  put("cdt", "list_append", bin_op(true, kList, list, cdt::list_append(Value::integer(9))));
  put("cdt", "list_rank_range", bin_op(false, kList, list, cdt::list_get_by_rank_range(0, 2, 7)));
  put("cdt", "list_sort_missing_bin", bin_op(true, -1, "", cdt::list_sort(0)));
  put("cdt", "list_value_range", bin_op(false, kList, list, cdt::list_get_by_value_range(Value::integer(1), nullptr, 7)));
  put("cdt", "map_put", bin_op(true, kMap, map, cdt::map_put(Value::string("z"), Value::integer(5))));
  put("cdt", "map_key_range", bin_op(false, kMap, map, cdt::map_get_by_key_range(Value::string("a"), nullptr, 8)));
  put("cdt", "map_context_create",
      bin_op(true, kMap, map, cdt::list_append(Value::integer(1), nullptr,
                                              {cdt::ctx_map_key_create(Value::string("new"), 1)})));
  put("cdt", "map_context_increment",
      bin_op(true, kMap, map, cdt::map_increment(Value::string("c"), Value::integer(4), {},
                                                {cdt::ctx_map_key(Value::string("b"))})));

  const std::string blob = "\x0f\xf0\xaa\x55";
  auto bits = [&](bool modify, std::function<void(mp::Writer&)> write) {
    return bin_op(modify, kBlob, blob, msgpack(write));
  };
  put("bits", "resize", bits(true, [](mp::Writer& w) { w.array_header(3); w.integer(0); w.integer(8); w.integer(0); }));
  put("bits", "insert", bits(true, [](mp::Writer& w) { w.array_header(3); w.integer(1); w.integer(1); w.blob("\xff"); }));
  put("bits", "set", bits(true, [](mp::Writer& w) {
    w.array_header(4); w.integer(3); w.integer(4); w.integer(8); w.blob("\x81");
  }));
  put("bits", "add", bits(true, [](mp::Writer& w) {
    w.array_header(6); w.integer(10); w.integer(0); w.integer(16); w.integer(300); w.integer(0); w.integer(2);
  }));
  put("bits", "lshift", bits(true, [](mp::Writer& w) {
    w.array_header(4); w.integer(8); w.integer(0); w.integer(32); w.integer(3);
  }));
  put("bits", "get", bits(false, [](mp::Writer& w) { w.array_header(3); w.integer(50); w.integer(4); w.integer(12); }));
  put("bits", "rscan", bits(false, [](mp::Writer& w) {
    w.array_header(4); w.integer(53); w.integer(0); w.integer(32); w.boolean(true);
  }));
  put("bits", "get_int_signed", bits(false, [](mp::Writer& w) {
    w.array_header(4); w.integer(54); w.integer(2); w.integer(20); w.integer(1);
  }));

  auto init_hll = [](int64_t index_bits, int64_t minhash_bits) {
    asd::base::CdtOutcome made;
    (void)asd::base::apply_hll_op(nullptr, msgpack([&](mp::Writer& w) {
      w.array_header(3); w.integer(0); w.integer(index_bits); w.integer(minhash_bits);
    }), true, &made);
    return made.new_bin ? made.new_bin->bytes : std::string();
  };
  const std::string hll = init_hll(8, 4);
  const std::string plain_hll = init_hll(10, 0);  // no minhash bits: the one fold takes
  auto hll_op = [&](bool modify, bool with_bin, std::function<void(mp::Writer&)> write) {
    return bin_op(modify, with_bin ? kHll : -1, with_bin ? hll : std::string(), msgpack(write));
  };
  put("hll", "init", hll_op(true, false, [](mp::Writer& w) { w.array_header(3); w.integer(0); w.integer(10); w.integer(6); }));
  put("hll", "add", hll_op(true, true, [](mp::Writer& w) {
    w.array_header(2); w.integer(1); w.array_header(3); w.string("a"); w.integer(2); w.blob("c");
  }));
  put("hll", "count", hll_op(false, true, [](mp::Writer& w) { w.array_header(1); w.integer(50); }));
  put("hll", "union_count", hll_op(false, true, [&](mp::Writer& w) {
    w.array_header(2); w.integer(52); w.array_header(1); w.blob(hll, 18);
  }));
  put("hll", "similarity", hll_op(false, true, [&](mp::Writer& w) {
    w.array_header(2); w.integer(54); w.array_header(1); w.blob(hll, 18);
  }));
  put("hll", "fold", bin_op(true, kHll, plain_hll, msgpack([](mp::Writer& w) {
    w.array_header(2); w.integer(4); w.integer(6);
  })));
  put("hll", "describe", hll_op(false, true, [](mp::Writer& w) { w.array_header(1); w.integer(55); }));
}

void expressions() {
  auto program = [](const std::string& name, uint8_t mode, std::function<void(mp::Writer&)> write) {
    put("expression", name, std::string(1, char(mode)) + msgpack(write));
  };
  program("eq_bin_int", 0, [](mp::Writer& w) {  // eq(bin_int("n"), 5)
    w.array_header(3); w.integer(1);
    w.array_header(3); w.integer(81); w.integer(2); w.raw_str("n");
    w.integer(5);
  });
  program("regex_and_not", 0, [](mp::Writer& w) {  // and(regex("^a", bin_str("s")), not(false))
    w.array_header(3); w.integer(16);
    w.array_header(4); w.integer(7); w.integer(3); w.raw_str("^a.*b$");
    w.array_header(3); w.integer(81); w.integer(3); w.raw_str("s");
    w.array_header(2); w.integer(18); w.boolean(false);
  });
  program("let_cond", 0, [](mp::Writer& w) {  // let(x = 1 + 2, cond(x > 2, "a", "b"))
    w.array_header(4); w.integer(125); w.raw_str("x");
    w.array_header(3); w.integer(20); w.integer(1); w.integer(2);
    w.array_header(4); w.integer(123);
    w.array_header(3); w.integer(3); w.array_header(2); w.integer(124); w.raw_str("x"); w.integer(2);
    w.string("a"); w.string("b");
  });
  program("list_size_call", 0, [](mp::Writer& w) {  // list_size(bin_list("l")) == 3
    w.array_header(3); w.integer(1);
    w.array_header(5); w.integer(127); w.integer(2); w.integer(0);
    w.array_header(1); w.integer(16);
    w.array_header(3); w.integer(81); w.integer(4); w.raw_str("l");
    w.integer(3);
  });
  program("meta_digest_modulo", 0, [](mp::Writer& w) {  // digest_modulo(3) < ttl()
    w.array_header(3); w.integer(5);
    w.array_header(2); w.integer(64); w.integer(3);
    w.array_header(1); w.integer(69);
  });
  program("geo_compare", 0, [](mp::Writer& w) {  // geo(bin_geo("g"), region)
    w.array_header(3); w.integer(8);
    w.array_header(3); w.integer(81); w.integer(8); w.raw_str("g");
    w.geojson(R"({"type":"AeroCircle","coordinates":[[1.5,2.5],1000]})");
  });
  program("hll_count_call", 0, [](mp::Writer& w) {  // hll_count(bin_hll("h")) > 0
    w.array_header(3); w.integer(3);
    w.array_header(5); w.integer(127); w.integer(2); w.integer(2);
    w.array_header(1); w.integer(50);
    w.array_header(3); w.integer(81); w.integer(9); w.raw_str("h");
    w.integer(0);
  });
  program("operate_read", 1, [](mp::Writer& w) {  // [add(bin_int("n"), 1), 0]
    w.array_header(2);
    w.array_header(3); w.integer(20); w.array_header(3); w.integer(81); w.integer(2); w.raw_str("n"); w.integer(1);
    w.integer(0);
  });
  program("operate_modify", 3, [](mp::Writer& w) {  // [to_float(bin_int("n")), update-only]
    w.array_header(2);
    w.array_header(2); w.integer(31); w.array_header(3); w.integer(81); w.integer(2); w.raw_str("n");
    w.integer(2);
  });

  put("geojson", "point", R"({"type":"Point","coordinates":[-122.0,37.5]})");
  put("geojson", "polygon", R"({"type":"Polygon","coordinates":[[[0,0],[0,10],[10,10],[10,0],[0,0]],)"
                            R"([[2,2],[2,4],[4,4],[2,2]]]})");
  put("geojson", "multipolygon", R"({"type":"MultiPolygon","coordinates":[[[[0,0],[0,1],[1,1],[0,0]]],)"
                                 R"([[[5,5],[5,6],[6,6],[5,5]]]]})");
  put("geojson", "circle", R"({"type": "AeroCircle", "coordinates": [[-80.59, 28.61], 2000.5e0]})");
}

// Configuration ---------------------------------------------------------------------------

void configuration(const fs::path& examples) {
  for (const char* name : {"single-node.conf", "device.conf", "dc1.conf", "aerospike8-single-node.conf",
                           "cluster-node1.conf", "xdr-cluster-node1.conf"}) {
    std::ifstream in(examples / name, std::ios::binary);
    put("conf_file", name, std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
  }
  put("conf_set", "service", "context=service;proto-fd-max=20000;ticker-interval=5");
  put("conf_set", "namespace", "context=namespace;id=test;nsup-period=60;default-ttl=1h;allow-ttl-without-nsup=true");
  put("conf_set", "storage", "context=namespace;id=disk;storage-engine.defrag-lwm-pct=40;max-write-cache=128M");
  put("conf_set", "logging", "context=logging;id=console;service=debug;any=warning");
  put("conf_set", "xdr", "context=xdr;xdr-max-ship-throughput=600;xdr-hotkey-time-ms=50");
  put("conf_set", "xdr_dc_static_refused", "context=xdr;id=DC2;dc-node-address-port=127.0.0.1 3200");
}

// Every key, stanza and enum word of the table, so the fuzzer writes configurations
// (and set-config commands) in the project's vocabulary instead of guessing it.
void dictionaries() {
  std::set<std::string> words{"true", "false", "4G", "1M", "10s", "2h"};
  for (const conf::KeySpec& key : conf::key_table()) {
    words.insert(std::string(key.name));
    for (size_t at = 0; at < key.choices.size();) {
      size_t bar = std::min(key.choices.find('|', at), key.choices.size());
      words.insert(std::string(key.choices.substr(at, bar - at)));
      at = bar + 1;
    }
  }
  fs::create_directories(g_out / "dicts");
  std::ofstream file(g_out / "dicts" / "conf_file.dict");
  std::ofstream set(g_out / "dicts" / "conf_set.dict");
  file << "\"{\"\n\"}\"\n\"\\x0A\"\n\"#\"\n";
  set << "\"context=\"\n\"id=\"\n\";\"\n";
  for (const char* context : {"service", "network", "namespace", "logging", "xdr", "mod-lua"})
    set << "\"" << context << "\"\n";
  for (const std::string& w : words) {
    file << "\"" << w << "\"\n";
    set << "\"" << w << "=\"\n";
  }
}

// asd -> xdr --------------------------------------------------------------------------------

void pipe_and_log() {
  proto::XdrFrame f;
  f.ns = "test";
  f.set = "demo";
  f.lut = 1000;
  f.generation = 2;
  f.digest = common::compute_digest("demo", int64_t(5));
  f.master_id = common::NodeId(0xBB9);
  proto::XdrFrame del = f;
  del.op = proto::XdrOp::Delete;
  del.flags = proto::kXdrFlagDurable | proto::kXdrFlagReplica;
  del.origin_src_id = common::SrcId(2);
  put("pipe_frame", "write_v2", proto::encode_xdr_frame(f));
  put("pipe_frame", "write_v1", proto::encode_xdr_frame_v1(f));
  put("pipe_frame", "delete_then_mark", proto::encode_xdr_frame(del) + proto::encode_xdr_frame(proto::make_mark(1001)));
  put("pipe_frame", "junk_then_frame", "junk!" + proto::encode_xdr_frame(f) + proto::encode_xdr_frame(f).substr(0, 50));

  // digest_log: mode byte, then patches (digest_log_fuzz.cpp).
  auto patch = [](uint16_t offset, const std::string& bytes) {
    std::string out;
    common::append_be16(out, offset);
    out.push_back(char(bytes.size()));
    return out + bytes;
  };
  put("digest_log", "as_written", std::string(1, '\0'));
  put("digest_log", "resized", std::string(1, '\x04'));
  put("digest_log", "dcs_changed_truncated", std::string(1, '\x18'));
  put("digest_log", "generation_bumped_sealed", std::string(1, '\x01') + patch(32, be64(1000)));
  put("digest_log", "entry_damaged", std::string(1, '\0') + patch(32768 + 20, "\xde\xad"));
  put("digest_log", "entry_rewritten_sealed", std::string(1, '\x03') + patch(32768 + 8 + 3, "\x02"));
  put("digest_log", "header_a_torn", std::string(1, '\0') + patch(100, std::string(64, '\xff')));
}

// The admin protocol ----------------------------------------------------------------------

void admin() {
  using proto::AdminCommand;
  using proto::AdminField;
  using proto::make_admin_request;
  using fuzz::admin::kFromOutside;
  using fuzz::admin::make_input;
  namespace security = asd::security;
  constexpr uint8_t kAsAdmin = fuzz::admin::kLogInAsAdmin;
  const std::string admin_credential = *security::client_credential("admin");
  const std::string bob_credential = *security::client_credential("bob");
  // A token of the right shape (version 1, an expiry, a signature of zeros).
  std::string token(1, '\x01');
  common::append_be64(token, 1'800'000'000'000);
  token.append(32, '\0');
  const std::string login = make_admin_request(
      AdminCommand::Login, {{AdminField::User, "admin"}, {AdminField::Credential, admin_credential}});
  const std::string privileges = security::encode_privileges(
      {{security::PrivilegeCode::Read, "test", "demo"}, {security::PrivilegeCode::Write, "test", ""},
       {security::PrivilegeCode::SysAdmin, "", ""}});
  const std::string read_and_user_admin = proto::encode_admin_roles({"read", "user-admin"});
  const std::string just_r1 = proto::encode_admin_roles({"r1"});

  put("admin", "login", make_input(0, {login}));
  put("admin", "authenticate", make_input(0, {make_admin_request(AdminCommand::Authenticate,
                                                                 {{AdminField::User, "admin"},
                                                                  {AdminField::SessionToken, token}})}));
  put("admin", "create_user_query_users",
      make_input(kAsAdmin, {make_admin_request(AdminCommand::CreateUser,
                                               {{AdminField::User, "bob"},
                                                {AdminField::Password, bob_credential},
                                                {AdminField::Roles, read_and_user_admin}}),
                            make_admin_request(AdminCommand::QueryUsers, {}),
                            make_admin_request(AdminCommand::QueryUsers, {{AdminField::User, "bob"}})}));
  put("admin", "role_whitelist_login",
      make_input(kAsAdmin | kFromOutside,
                 {make_admin_request(AdminCommand::CreateRole, {{AdminField::Role, "r1"},
                                                                {AdminField::Privileges, privileges},
                                                                {AdminField::Whitelist, "10.0.0.0/8,127.0.0.1"}}),
                  make_admin_request(AdminCommand::GrantRoles,
                                     {{AdminField::User, "admin"}, {AdminField::Roles, just_r1}}),
                  make_admin_request(AdminCommand::QueryRoles, {}), login}));
  put("admin", "administration",
      make_input(kAsAdmin,
                 {make_admin_request(AdminCommand::CreateUser,
                                     {{AdminField::User, "bob"}, {AdminField::Password, bob_credential}}),
                  make_admin_request(AdminCommand::SetPassword,
                                     {{AdminField::User, "bob"}, {AdminField::Password, admin_credential}}),
                  make_admin_request(AdminCommand::ChangePassword, {{AdminField::User, "admin"},
                                                                    {AdminField::OldPassword, admin_credential},
                                                                    {AdminField::Password, bob_credential}}),
                  make_admin_request(AdminCommand::CreateRole, {{AdminField::Role, "r2"}}),
                  make_admin_request(AdminCommand::GrantPrivileges,
                                     {{AdminField::Role, "r2"}, {AdminField::Privileges, privileges}}),
                  make_admin_request(AdminCommand::SetWhitelist,
                                     {{AdminField::Role, "r2"}, {AdminField::Whitelist, "::1"}}),
                  make_admin_request(AdminCommand::DropRole, {{AdminField::Role, "r2"}}),
                  make_admin_request(AdminCommand::DropUser, {{AdminField::User, "bob"}})}));
  // The built-in user the node's xdr logs in as, with the password the target's secret gives.
  const std::string xdr_local(conf::kXdrLocalUser);
  const std::string xdr_credential =
      *security::client_credential(security::xdr_local_password(fuzz::admin::kSessionSecret));
  put("admin", "login_xdr_local",
      make_input(0, {make_admin_request(AdminCommand::Login,
                                        {{AdminField::User, xdr_local}, {AdminField::Credential, xdr_credential}}),
                     make_admin_request(AdminCommand::QueryUsers, {{AdminField::User, xdr_local}}),
                     make_admin_request(AdminCommand::SetPassword,
                                        {{AdminField::User, xdr_local}, {AdminField::Password, bob_credential}})}));
  // Answers, which the client's parsers read (asd reads them as requests too).
  std::string login_answer;
  proto::append_admin_header(login_answer, common::ResultCode::Ok, 2);
  proto::append_admin_field(login_answer, AdminField::SessionToken, token);
  proto::append_admin_u32_field(login_answer, AdminField::SessionTtl, 86400);
  put("admin", "answer_login_token", make_input(0, {login_answer}));
  std::string users;
  for (const char* user : {"admin", "bob"}) {
    proto::append_admin_header(users, common::ResultCode::Ok, 2);
    proto::append_admin_field(users, AdminField::User, user);
    proto::append_admin_field(users, AdminField::Roles, proto::encode_admin_roles({"user-admin"}));
  }
  std::string end;
  proto::append_admin_header(end, common::ResultCode::QueryEnd, 0);
  put("admin", "answer_query_users", make_input(0, {users, end}));

  // The vocabulary: user, role and privilege names, scopes, whitelist entries.
  std::ofstream dict(g_out / "dicts" / "admin.dict");
  for (const security::Role& role : security::predefined_roles()) dict << "\"" << role.name << "\"\n";
  for (std::string_view word : {std::string_view("admin"), conf::kXdrLocalUser, std::string_view("bob"),
                                 std::string_view("r1"), std::string_view("test"), std::string_view("demo"),
                                 std::string_view("10.0.0.0/8"), std::string_view("10.1.2.3"),
                                 std::string_view("127.0.0.1"), std::string_view("::1"), std::string_view(",")}) {
    dict << "\"" << word << "\"\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s FUZZ_DIR CONF_EXAMPLES_DIR\n", argv[0]);
    return 2;
  }
  g_out = argv[1];
  wire_codec();
  values();
  expressions();
  configuration(argv[2]);
  dictionaries();
  pipe_and_log();
  admin();
  return 0;
}
