// Command-line options: every flag also reads from an environment variable
// (EDGEPIX_<FLAG_IN_CAPS>); a flag on the command line wins over the variable,
// which wins over the default. Unknown flags and malformed values are errors
// that name the flag. "--" ends the options: every later argument is positional.
// Help text lists every flag with its default and variable.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace edgepix::cli {

struct OptionDef {
  std::string name;           // without dashes, e.g. "max-upload-mb"
  std::string default_value;  // shown in --help; "" = none
  std::string help;
  bool repeatable = false;  // may be given several times (env: comma-separated)
  bool is_switch = false;   // takes no value
};

class ParsedOptions {
 public:
  bool Has(const std::string& name) const;
  // Whether `name` was given on the command line (not only in the environment).
  bool FromCommandLine(const std::string& name) const { return from_command_line_.count(name) > 0; }
  // Last value given, or the default.
  std::string Get(const std::string& name) const;
  std::vector<std::string> GetAll(const std::string& name) const;
  Result<int64_t> GetInt(const std::string& name, int64_t min, int64_t max) const;
  const std::vector<std::string>& positional() const { return positional_; }
  bool help() const { return help_; }

 private:
  friend Result<ParsedOptions> ParseOptions(const std::vector<OptionDef>& defs,
                                            const std::vector<std::string>& args,
                                            const std::map<std::string, std::string>& env);
  std::map<std::string, std::vector<std::string>> values_;
  std::map<std::string, std::string> defaults_;
  std::vector<std::string> positional_;
  std::map<std::string, bool> from_command_line_;
  bool help_ = false;
};

// `env` maps variable names to values (pass the process environment).
Result<ParsedOptions> ParseOptions(const std::vector<OptionDef>& defs,
                                   const std::vector<std::string>& args,
                                   const std::map<std::string, std::string>& env);

// "EDGEPIX_MAX_UPLOAD_MB" for "max-upload-mb".
std::string EnvNameFor(const std::string& flag);
std::string HelpText(const std::string& usage, const std::vector<OptionDef>& defs);
std::map<std::string, std::string> ProcessEnvironment();

}  // namespace edgepix::cli
