#include "cli/options.h"

#include <cerrno>
#include <cstdlib>
#include <sstream>

extern char** environ;

namespace edgepix::cli {

std::string EnvNameFor(const std::string& flag) {
  std::string name = "EDGEPIX_";
  for (char c : flag) name.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(c)));
  return name;
}

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

bool ParsedOptions::Has(const std::string& name) const { return values_.count(name) > 0; }

std::string ParsedOptions::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it != values_.end() && !it->second.empty()) return it->second.back();
  auto d = defaults_.find(name);
  return d == defaults_.end() ? "" : d->second;
}

std::vector<std::string> ParsedOptions::GetAll(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

Result<int64_t> ParsedOptions::GetInt(const std::string& name, int64_t min, int64_t max) const {
  std::string text = Get(name);
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || errno != 0 || *end != '\0' || v < min || v > max) {
    return Status::Error(ErrorCode::kBadRequest, "--" + name + " must be an integer in [" +
                                                     std::to_string(min) + ", " +
                                                     std::to_string(max) + "], got '" + text + "'");
  }
  return static_cast<int64_t>(v);
}

Result<ParsedOptions> ParseOptions(const std::vector<OptionDef>& defs,
                                   const std::vector<std::string>& args,
                                   const std::map<std::string, std::string>& env) {
  ParsedOptions out;
  std::map<std::string, const OptionDef*> by_name;
  for (const auto& d : defs) {
    by_name[d.name] = &d;
    out.defaults_[d.name] = d.default_value;
    auto e = env.find(EnvNameFor(d.name));
    if (e == env.end() || e->second.empty()) continue;
    if (d.repeatable) {
      std::stringstream ss(e->second);
      std::string item;
      while (std::getline(ss, item, ',')) {
        if (!item.empty()) out.values_[d.name].push_back(item);
      }
    } else {
      out.values_[d.name] = {e->second};
    }
  }
  std::map<std::string, bool>& from_command_line = out.from_command_line_;
  bool options_ended = false;  // after "--" every argument is positional
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (options_ended) {
      out.positional_.push_back(a);
      continue;
    }
    if (a == "--") {
      options_ended = true;
      continue;
    }
    if (a == "-h" || a == "--help") {
      out.help_ = true;
      continue;
    }
    if (a.rfind("--", 0) != 0) {
      out.positional_.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    bool has_value = false;
    size_t eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    auto it = by_name.find(name);
    if (it == by_name.end()) {
      return Status::Error(ErrorCode::kBadRequest, "unknown option --" + name + " (see --help)");
    }
    const OptionDef& def = *it->second;
    if (def.is_switch) {
      value = has_value ? value : "true";
    } else if (!has_value) {
      if (i + 1 >= args.size()) {
        return Status::Error(ErrorCode::kBadRequest, "--" + name + " needs a value");
      }
      value = args[++i];
    }
    // The command line replaces what the environment said.
    if (!from_command_line[name]) out.values_[name].clear();
    from_command_line[name] = true;
    if (def.repeatable) {
      out.values_[name].push_back(value);
    } else {
      out.values_[name] = {value};
    }
  }
  return out;
}

std::string HelpText(const std::string& usage, const std::vector<OptionDef>& defs) {
  std::ostringstream out;
  out << usage << "\n\nOptions (each also read from the environment variable shown):\n";
  for (const auto& d : defs) {
    std::string flag = "  --" + d.name + (d.is_switch ? "" : " VALUE");
    out << flag;
    if (flag.size() < 30) out << std::string(30 - flag.size(), ' ');
    out << " " << d.help;
    if (!d.default_value.empty()) out << " (default: " << d.default_value << ")";
    if (d.repeatable) out << " [repeatable]";
    out << "\n"
        << std::string(31, ' ') << "env " << EnvNameFor(d.name)
        << (d.repeatable ? " (comma-separated)" : "") << "\n";
  }
  return out.str();
}

}  // namespace edgepix::cli
