#pragma once
inline const char* shared_method() { return "sampling/createMessage"; }  // expect: test/sampling-method-string
