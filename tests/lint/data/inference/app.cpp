// Another translation unit: calls into client.cpp are found through the
// project index (USRs), not by name.
#include "client.hpp"

namespace app {

// A caller that is not a wrapper: its call counts, its own callers do not.
std::string summarize(Client& c) {
  json reply = c.create_message("Summarize the document");  // expect: inferred/sampling-use
  return reply.dump();  // expect: inferred/sampling-use
}
std::string run_summary(Client& c) { return summarize(c) + "\n"; }

// A wrapper returns the API's result: it is a sampling API too.
json ask_model(Client& c, const std::string& question) {  // expect: inferred/sampling-use
  return c.create_message(question);  // expect: inferred/sampling-use
}
void use_wrapper(Client& c) { ask_model(c, "hello"); }  // expect: inferred/sampling-use

// Calls through the generic transport with other methods are not features.
json tools(Client& c) { return c.list_tools(); }

// A template calling on a dependent type: resolved by name and arity.
template <class C>
json sample_with(C& client) {  // expect: inferred/sampling-use
  return client.create_message("x");  // expect: inferred/sampling-use
}

// A macro expanding to a feature call: reported where it is defined and used.
#define ASK_MODEL(client, q) (client).create_message(q)  // expect: inferred/sampling-use
std::string ask_twice(Client& c) {
  json a = ASK_MODEL(c, "one");  // expect: inferred/sampling-use
  return a.dump();  // expect: inferred/sampling-use
}

void log_start(Transport& t) { send_log(t, Level::info, "started"); }  // expect: inferred/logging-use

// Known negatives: the program's own logger with the same level names (not
// tied to MCP), audio sampling and filesystem roots stay silent.
namespace own {
enum class Severity { debug, info, notice, warning, error, critical, alert, emergency };
void write(Severity s, const std::string& text);
}  // namespace own
void trace() { own::write(own::Severity::info, "trace"); }
struct AudioSampler {
  int sampling_rate = 48000;
  int sample(int frame) const { return frame * sampling_rate; }
};
std::vector<std::string> filesystem_roots(const std::string& path);

}  // namespace app
