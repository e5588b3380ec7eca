#include "shared.hpp"
const char* b() { return shared_method(); }
