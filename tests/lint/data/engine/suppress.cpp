// Suppression comments.
#include <string>

void suppressed() {
  std::string a = "sampling/createMessage";  // mcp-lint: ignore[test/sampling-method-string]
  // mcp-lint: ignore[sampling]
  std::string b = "sampling/createMessage";
  std::string c = "sampling/createMessage";  // mcp-lint: ignore
  std::string d = "sampling/createMessage";  // mcp-lint: ignore[test/other-rule]  // expect: test/sampling-method-string
  std::string e = "sampling/createMessage";  // mcp-lint: ignore[test]
  const char* f = "mcp-lint: ignore";
  std::string g = "sampling/createMessage";  // expect: test/sampling-method-string
}
