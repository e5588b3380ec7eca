#include "shared.hpp"
const char* a() { return shared_method(); }
