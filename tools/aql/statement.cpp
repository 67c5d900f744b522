// The aql statement parser: a recursive-descent reader over lexer tokens. Each rule
// returns false after recording the first error, which names the token it stopped at
// and what the grammar wanted there.

#include "statement.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "json_literal.h"
#include "lexer.h"

namespace aql {

namespace {

using client::IndexCollection;

bool same_word(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  const Token& peek(size_t ahead = 0) const { return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)]; }
  const std::string& error() const { return error_; }

  bool fail(std::string_view expected) {
    if (!error_.empty()) return false;
    const Token& t = peek();
    if (t.kind == TokenKind::End) {
      error_ = "Syntax error at end of statement: expected " + std::string(expected);
    } else {
      error_ = "Syntax error near '" + t.text + "' (column " + std::to_string(t.column) +
               "): expected " + std::string(expected);
    }
    return false;
  }
  bool fail_with(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }

  bool is_keyword(std::string_view kw, size_t ahead = 0) const {
    return peek(ahead).kind == TokenKind::Word && same_word(peek(ahead).text, kw);
  }
  bool accept_keyword(std::string_view kw) {
    if (!is_keyword(kw)) return false;
    ++pos_;
    return true;
  }
  bool keyword(std::string_view kw) { return accept_keyword(kw) || fail(kw); }

  bool is_punct(char c) const { return peek().kind == TokenKind::Punct && peek().text[0] == c; }
  bool accept_punct(char c) {
    if (!is_punct(c)) return false;
    ++pos_;
    return true;
  }
  bool punct(char c) { return accept_punct(c) || fail(std::string("'") + c + "'"); }

  bool end() { return peek().kind == TokenKind::End || fail("end of statement"); }

  // Names may be words or digits (a set called 2024); quoted names are taken as written.
  bool name(std::string_view what, std::string* out) {
    const Token& t = peek();
    if (t.kind != TokenKind::Word && t.kind != TokenKind::Integer && t.kind != TokenKind::String) return fail(what);
    *out = t.text;
    ++pos_;
    return true;
  }

  bool target(Target* out) {
    if (!name("a namespace", &out->ns)) return false;
    if (accept_punct('.')) return name("a set name", &out->set);
    return true;
  }

  // One of the keywords in `choices`, returned upper-cased.
  bool choice(std::initializer_list<std::string_view> choices, std::string_view expected, std::string* out) {
    for (std::string_view c : choices) {
      if (accept_keyword(c)) {
        *out = upper(c);
        return true;
      }
    }
    return fail(expected);
  }

  bool collection(IndexCollection* out) {
    if (accept_keyword("LIST")) *out = IndexCollection::List;
    else if (accept_keyword("MAPKEYS")) *out = IndexCollection::MapKeys;
    else if (accept_keyword("MAPVALUES")) *out = IndexCollection::MapValues;
    else return fail("LIST, MAPKEYS or MAPVALUES");
    return true;
  }

  bool value(client::Value* out) {
    const Token t = peek();
    switch (t.kind) {
      case TokenKind::Integer: {
        int64_t i = 0;
        const char* begin = t.text.data() + (t.text[0] == '+' ? 1 : 0);
        auto [ptr, ec] = std::from_chars(begin, t.text.data() + t.text.size(), i);
        if (ec != std::errc() || ptr != t.text.data() + t.text.size()) {
          return fail_with("Integer out of range: " + t.text + " (column " + std::to_string(t.column) + ")");
        }
        *out = client::Value(i);
        ++pos_;
        return true;
      }
      case TokenKind::Float: {
        double d = 0;
        const char* begin = t.text.data() + (t.text[0] == '+' ? 1 : 0);
        std::from_chars(begin, t.text.data() + t.text.size(), d);
        *out = client::Value(d);
        ++pos_;
        return true;
      }
      case TokenKind::String:
        *out = client::Value(t.text);
        ++pos_;
        return true;
      case TokenKind::Word: return word_value(out);
      default: return fail("a value");
    }
  }

  bool word_value(client::Value* out) {
    if (accept_keyword("TRUE")) return *out = client::Value::boolean(true), true;
    if (accept_keyword("FALSE")) return *out = client::Value::boolean(false), true;
    if (accept_keyword("NULL")) return *out = client::Value::nil(), true;
    std::string kind;
    if (!choice({"JSON", "LIST", "MAP", "GEOJSON"}, "a value", &kind) || !punct('(')) return false;
    const Token text = peek();
    if (text.kind != TokenKind::String) return fail("a quoted literal");
    ++pos_;
    if (!punct(')')) return false;
    if (kind == "GEOJSON") {
      *out = client::Value::geojson(text.text);
      return true;
    }
    auto tree = parse_json(text.text);
    if (!tree) return fail_with(tree.error().message + " in " + kind + " literal (column " + std::to_string(text.column) + ")");
    using proto::msgpack::Kind;
    if (kind == "LIST" && tree->kind != Kind::List) return fail_with("LIST literal is not a JSON array (column " + std::to_string(text.column) + ")");
    if (kind == "MAP" && tree->kind != Kind::Map) return fail_with("MAP literal is not a JSON object (column " + std::to_string(text.column) + ")");
    return json_value(*tree, out);
  }

  static bool json_value(const proto::msgpack::Value& tree, client::Value* out) {
    using proto::msgpack::Kind;
    switch (tree.kind) {
      case Kind::List: *out = client::Value::list_msgpack(proto::msgpack::encode(tree)); break;
      case Kind::Map: *out = client::Value::map_msgpack(proto::msgpack::encode(tree)); break;
      case Kind::Int: *out = client::Value(tree.i); break;
      case Kind::Double: *out = client::Value(tree.d); break;
      case Kind::String: *out = client::Value(tree.bytes); break;
      case Kind::Bool: *out = client::Value::boolean(tree.boolean); break;
      default: *out = client::Value::nil(); break;
    }
    return true;
  }

  bool values(std::vector<client::Value>* out) {
    if (!punct('(')) return false;
    if (accept_punct(')')) return true;
    do {
      client::Value v;
      if (!value(&v)) return false;
      out->push_back(std::move(v));
    } while (accept_punct(','));
    return punct(')');
  }

  // WHERE PK = v (when allowed) or an index predicate; `pk` set for the former.
  bool where(bool pk_allowed, std::optional<client::Value>* pk, std::optional<Predicate>* predicate) {
    if (pk_allowed && is_keyword("PK")) {
      ++pos_;
      client::Value v;
      if (!punct('=') || !value(&v)) return false;
      *pk = std::move(v);
      return true;
    }
    Predicate p;
    if (!name(pk_allowed ? "PK or a bin name" : "a bin name", &p.bin)) return false;
    if (accept_punct('=')) {
      if (!value(&p.value)) return false;
      if (!p.value.as_int() && !p.value.as_string()) return fail_with("Only integer and string equality predicates are supported");
    } else if (accept_keyword("BETWEEN")) {
      p.kind = Predicate::Kind::Between;
      if (!value(&p.value) || !keyword("AND") || !value(&p.upper)) return false;
      if (!p.value.as_int() || !p.upper.as_int()) return fail_with("BETWEEN needs integer bounds");
    } else if (accept_keyword("CONTAINS") || accept_keyword("WITHIN")) {
      p.kind = Predicate::Kind::Geo;
      if (!value(&p.value)) return false;
      if (!p.value.as_geojson()) return fail_with("CONTAINS and WITHIN need a GeoJSON('...') value");
    } else {
      return fail("'=', BETWEEN, CONTAINS or WITHIN");
    }
    *predicate = std::move(p);
    return true;
  }

  bool udf_call(UdfCall* out) {
    if (!name("a module name", &out->module) || !punct('.') || !name("a function name", &out->function)) return false;
    return values(&out->args);
  }

  common::Result<Statement> statement(std::string_view text);

 private:
  // One rule per leading keyword; each fills *out with its statement.
  using Rule = bool (Parser::*)(Statement* out);
  static const std::pair<std::string_view, Rule> kRules[];

  bool insert(Statement* out);
  bool select(Statement* out);
  bool remove(Statement* out);
  bool show(Statement* out);
  bool create_index(Statement* out);
  bool drop_index(Statement* out);
  bool register_module(Statement* out);
  bool remove_module(Statement* out);
  bool desc_module(Statement* out);
  bool module_file(std::string* out);
  bool execute(Statement* out);
  bool aggregate(Statement* out);
  bool set_option(Statement* out);
  bool help(Statement* out);

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  std::string error_;
};

bool Parser::insert(Statement* statement) {
  Insert* out = &statement->emplace<Insert>();
  if (!keyword("INTO") || !target(&out->target) || !punct('(')) return false;
  std::vector<std::string> columns;
  do {
    std::string column;
    if (!name("a bin name", &column)) return false;
    columns.push_back(std::move(column));
  } while (accept_punct(','));
  std::vector<client::Value> vals;
  if (!punct(')') || !keyword("VALUES") || !values(&vals) || !end()) return false;
  if (columns.size() != vals.size()) {
    return fail_with(std::to_string(columns.size()) + " bins but " + std::to_string(vals.size()) + " values");
  }
  bool has_pk = false;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (same_word(columns[i], "PK")) {
      if (has_pk) return fail_with("PK given twice");
      has_pk = true;
      out->key = vals[i];
    } else {
      out->bins.push_back(client::Bin{columns[i], vals[i]});
    }
  }
  if (!has_pk) return fail_with("INSERT needs a PK column");
  if (!out->key.as_int() && !out->key.as_string()) return fail_with("PK must be an integer or a string");
  if (out->bins.empty()) return fail_with("INSERT needs at least one bin");
  return true;
}

bool Parser::select(Statement* statement) {
  Select* out = &statement->emplace<Select>();
  if (!accept_punct('*')) {
    do {
      std::string bin;
      if (!name("'*' or a bin name", &bin)) return false;
      out->bins.push_back(std::move(bin));
    } while (accept_punct(','));
  }
  if (!keyword("FROM") || !target(&out->target)) return false;
  if (accept_keyword("IN") && !collection(&out->collection)) return false;
  if (accept_keyword("WHERE") && !where(true, &out->pk, &out->where)) return false;
  if (out->pk && out->collection != IndexCollection::Default) return fail_with("IN applies to index predicates, not PK");
  return end();
}

bool Parser::show(Statement* statement) {
  Show* out = &statement->emplace<Show>();
  std::string what;
  if (!choice({"NAMESPACES", "SETS", "BINS", "INDEXES", "MODULES"}, "NAMESPACES, SETS, BINS, INDEXES or MODULES", &what)) {
    return false;
  }
  if (what == "NAMESPACES") out->what = Show::What::Namespaces;
  else if (what == "SETS") out->what = Show::What::Sets;
  else if (what == "BINS") out->what = Show::What::Bins;
  else if (what == "INDEXES") out->what = Show::What::Indexes;
  else out->what = Show::What::Modules;
  bool takes_ns = out->what == Show::What::Sets || out->what == Show::What::Bins || out->what == Show::What::Indexes;
  if (takes_ns && peek().kind != TokenKind::End && !name("a namespace", &out->ns)) return false;
  return end();
}

bool Parser::create_index(Statement* statement) {
  CreateIndex* out = &statement->emplace<CreateIndex>();
  if (!is_keyword("INDEX") && !collection(&out->collection)) return false;
  if (!keyword("INDEX") || !name("an index name", &out->name) || !keyword("ON") || !target(&out->target) ||
      !punct('(') || !name("a bin name", &out->bin) || !punct(')')) {
    return false;
  }
  return choice({"NUMERIC", "STRING", "GEO2DSPHERE"}, "NUMERIC, STRING or GEO2DSPHERE", &out->type) && end();
}

bool Parser::set_option(Statement* out) {
  if (accept_keyword("OUTPUT")) {
    std::string mode;
    if (!choice({"TABLE", "JSON"}, "TABLE or JSON", &mode) || !end()) return false;
    *out = SetOutput{mode == "JSON" ? OutputMode::Json : OutputMode::Table};
    return true;
  }
  if (accept_keyword("TIMEOUT")) {
    client::Value v;
    if (!value(&v)) return false;
    auto ms = v.as_int();
    if (!ms || *ms < 0 || *ms > int64_t(UINT32_MAX)) return fail_with("TIMEOUT needs a number of milliseconds");
    *out = SetTimeout{uint32_t(*ms)};
    return end();
  }
  if (accept_keyword("KEY_SEND")) {
    client::Value v;
    if (!value(&v)) return false;
    auto on = v.as_bool();
    if (!on) return fail_with("KEY_SEND needs true or false");
    *out = SetKeySend{*on};
    return end();
  }
  return fail("OUTPUT, TIMEOUT or KEY_SEND");
}

bool Parser::remove(Statement* statement) {
  Delete* out = &statement->emplace<Delete>();
  std::optional<client::Value> pk;
  std::optional<Predicate> unused;
  if (!keyword("FROM") || !target(&out->target) || !keyword("WHERE") || !(is_keyword("PK") || fail("PK")) ||
      !where(true, &pk, &unused)) {
    return false;
  }
  out->pk = std::move(*pk);
  return end();
}

bool Parser::drop_index(Statement* statement) {
  DropIndex* out = &statement->emplace<DropIndex>();
  return keyword("INDEX") && target(&out->target) && name("an index name", &out->name) && end();
}

bool Parser::register_module(Statement* statement) {
  RegisterModule* out = &statement->emplace<RegisterModule>();
  return keyword("MODULE") && name("a file path", &out->path) && end();
}

// MODULE name.lua, quoted or not: unquoted it arrives as three tokens.
bool Parser::module_file(std::string* out) {
  if (!keyword("MODULE") || !name("a module file name", out)) return false;
  if (accept_punct('.')) {
    std::string ext;
    if (!name("a file extension", &ext)) return false;
    *out += "." + ext;
  }
  return end();
}

bool Parser::remove_module(Statement* statement) {
  return module_file(&statement->emplace<RemoveModule>().filename);
}

bool Parser::desc_module(Statement* statement) { return module_file(&statement->emplace<DescModule>().filename); }

bool Parser::execute(Statement* statement) {
  Execute* out = &statement->emplace<Execute>();
  std::optional<client::Value> pk;
  std::optional<Predicate> unused;
  if (!udf_call(&out->call) || !keyword("ON") || !target(&out->target) || !keyword("WHERE") ||
      !(is_keyword("PK") || fail("PK")) || !where(true, &pk, &unused)) {
    return false;
  }
  out->pk = std::move(*pk);
  return end();
}

bool Parser::aggregate(Statement* statement) {
  Aggregate* out = &statement->emplace<Aggregate>();
  std::optional<client::Value> unused;
  if (!udf_call(&out->call) || !keyword("ON") || !target(&out->target)) return false;
  if (accept_keyword("IN") && !collection(&out->collection)) return false;
  if (accept_keyword("WHERE") && !where(false, &unused, &out->where)) return false;
  return end();
}

bool Parser::help(Statement* statement) {
  statement->emplace<Help>();
  return end();
}

const std::pair<std::string_view, Parser::Rule> Parser::kRules[] = {
    {"INSERT", &Parser::insert},
    {"SELECT", &Parser::select},
    {"DELETE", &Parser::remove},
    {"SHOW", &Parser::show},
    {"CREATE", &Parser::create_index},
    {"DROP", &Parser::drop_index},
    {"REGISTER", &Parser::register_module},
    {"REMOVE", &Parser::remove_module},
    {"DESC", &Parser::desc_module},
    {"EXECUTE", &Parser::execute},
    {"AGGREGATE", &Parser::aggregate},
    {"SET", &Parser::set_option},
    {"HELP", &Parser::help},
};

common::Result<Statement> Parser::statement(std::string_view text) {
  for (const auto& [word, rule] : kRules) {
    if (!is_keyword(word)) continue;
    ++pos_;
    Statement out;
    if ((this->*rule)(&out)) return out;
    return common::Error{common::ResultCode::Parameter, error_};
  }
  return common::Error{common::ResultCode::Parameter, "Invalid command: '" + std::string(text) + "'"};
}

}  // namespace

common::Result<Statement> parse_statement(std::string_view text) {
  auto tokens = tokenize(text);
  if (!tokens) return tokens.error();
  if (tokens->size() == 1) return common::Error{common::ResultCode::Parameter, "Empty statement"};
  return Parser(std::move(*tokens)).statement(text);
}

}  // namespace aql
