// A shared library that loads fine but is not a runexp plugin: it lacks the
// entry points RUNEXP_PLUGIN defines.
extern "C" int not_a_runexp_plugin() { return 42; }
