# The web build's toolchain (CMakePresets.json, preset "web"): Emscripten's own CMake toolchain, found beside the
# emcc on the PATH (Debian's emscripten package puts it in /usr/share/emscripten; emsdk's works too).
find_program(RNNLAB_EMCC emcc)
if(NOT RNNLAB_EMCC)
  message(FATAL_ERROR "The web build compiles with Emscripten, which is not installed: apt-get install emscripten")
endif()
file(REAL_PATH ${RNNLAB_EMCC} emcc_path)
get_filename_component(emscripten_root ${emcc_path} DIRECTORY)
include(${emscripten_root}/cmake/Modules/Platform/Emscripten.cmake)

# emcc optimizes the JavaScript it links with Node.js scripts that need the acorn parser. Debian's node-acorn puts it
# in /usr/share/nodejs, which a Node.js from elsewhere (NodeSource's, say) does not search: point it there.
if(EXISTS /usr/share/nodejs/acorn)
  set(CMAKE_CXX_LINKER_LAUNCHER ${CMAKE_COMMAND} -E env NODE_PATH=/usr/share/nodejs)
endif()
