# The web build (preset "web"): every lesson compiled to WebAssembly with Emscripten, and a static site in
# build/web/course/ whose lesson pages run their lesson again in the browser (lessons/web/worker.js).
#
# The site's pages are written by the WebAssembly programs themselves, run under Node.js at build time in their
# quick configuration with seed 0 (lessons/web/run_in_node.js): what a page shows on opening is what the same
# code computes when its run panel is pressed.

find_program(RNNLAB_NODE node)
if(NOT RNNLAB_NODE)
  message(FATAL_ERROR "The web build runs the lessons with Node.js to write the site's pages: apt-get install nodejs")
endif()

# Every program: a module (rnnlabLesson(settings) gives a promise of it) that runs main when asked (callMain), with
# its files (FS) readable by the page's worker and its terminal (TTY) for the worker to pass on what it writes.
# C++ exceptions are WebAssembly's own (-fwasm-exceptions, set for every file in the top CMakeLists.txt). NODEFS
# lets run_in_node.js show a program the host's folders.
# -O1 when linking (after the build type's -O3, which compiled the code): the code is LLVM's, optimized, without
# Binaryen's optimizer over the whole module. That optimizer (at -O2) took 5.3 s of lesson 02's 6.6 s link and sped
# no training up under Node.js (lesson 11's quick run 7.0 s against 7.5 s, 13's 12.6 s against 13.7 s, medians of
# 3; lesson 02's first run in a page 0.20 s against 0.22 s, medians of 13, within the noise); it saved a tenth of the
# .wasm and minified the JavaScript (90 kB instead of 195 kB), which stays readable here. Left out, the whole site
# builds in 3.4 minutes on 2 cores instead of 5.9.
set(rnnlab_web_link_options -O1 -sMODULARIZE=1 -sEXPORT_NAME=rnnlabLesson -sINVOKE_RUN=0
    "-sEXPORTED_RUNTIME_METHODS=['FS','TTY','callMain']" -sALLOW_MEMORY_GROWTH=1 -sENVIRONMENT=web,worker,node
    -lnodefs.js)
# The lessons whose pages run on several threads where the page is cross-origin isolated: those whose quick run in a
# page ran 1.2 times as fast or more on two threads as on one (its second run; headless Chromium on 2 cores, with
# the threaded build of every lesson; lessons/web/README.md has the times).
# The others train nets too small for a second thread to pay for what the threaded build costs them: its C++
# exceptions are JavaScript's (../../CMakeLists.txt says why), and a call that may throw goes through JavaScript
# (lesson 02's quick run: 0.13 s on two threads against 0.06 s on one).
set(rnnlab_web_threaded_lessons 06_elman 08_vanishing_gradients 11_lstm 12_forget_gate_bias 13_gru_vs_lstm 14_deep_rnn
    15_bidirectional 16_text_generation 20_speech_recognition 21_handwriting 22_recommendations 23_attention)
if(RNNLAB_WEB_THREADED)
  # The pool's threads are workers started with the program, one fewer than the computer's cores, at most 3 (tensor/
  # parallel.cpp splits work over at most 4 threads in a page). Memory that grows while shared makes the module's
  # JavaScript re-check its views of it on every access, which only the file system and the terminal do here.
  list(APPEND rnnlab_web_link_options "-sPTHREAD_POOL_SIZE=Math.min(navigator.hardwareConcurrency,4)-1"
       -Wno-pthreads-mem-growth)
endif()

# The data a lesson reads from Debian's packages goes inside its module, at the same path (lessons/web/README.md).
set(rnnlab_web_files_16_text_generation /usr/share/common-licenses)
set(rnnlab_web_files_21_handwriting /usr/share/hershey-fonts)
# Lesson 20's recordings, spoken by espeak-ng as the site is built, are files of the site that a run in the page
# fetches (lessons/20_speech_recognition_data.cpp): run_in_node.js shows the program that folder as its cache.
set(rnnlab_web_mounts_20_speech_recognition --mount recordings=/cache/espeak-ng)

function(rnnlab_web_program slug)
  target_link_options(${slug} PRIVATE ${rnnlab_web_link_options})
  if(RNNLAB_WEB_THREADED)
    set_target_properties(${slug} PROPERTIES OUTPUT_NAME ${slug}.threads)  # NN_name.threads.{js,wasm,worker.js}
  endif()
  foreach(folder ${rnnlab_web_files_${slug}})
    # The files one by one, leaving out symbolic links: a link would arrive as a second copy of its file (the
    # lessons skip links, which repeat a file under another name).
    file(GLOB files LIST_DIRECTORIES false ${folder}/*)
    foreach(path ${files})
      if(NOT IS_SYMLINK ${path})
        target_link_options(${slug} PRIVATE "SHELL:--embed-file ${path}@${path}")
      endif()
    endforeach()
  endforeach()
endfunction()

# The site: each lesson's page (its quick run, seed 0), its module beside it, the worker, and the course index.
function(rnnlab_web_site)
  set(site ${RNNLAB_COURSE_DIR})
  set(runner ${CMAKE_CURRENT_SOURCE_DIR}/web/run_in_node.js)
  # The threaded build: the lessons of rnnlab_web_threaded_lessons again, with threads, in build/web/threads. Their
  # pages, where cross-origin isolated (lessons/web/isolate.js makes them so), run NN_name.threads.js; any other page
  # runs NN_name.js, single-threaded. Two
  # builds, because objects compiled for shared memory do not link into a module without it (their thread-local
  # storage lands out of bounds).
  set(threads ${CMAKE_BINARY_DIR}/threads/lessons)
  set(threaded_files "")
  foreach(slug ${rnnlab_web_threaded_lessons})
    foreach(suffix js wasm worker.js)
      list(APPEND threaded_files ${threads}/${slug}.threads.${suffix})
    endforeach()
  endforeach()
  # Under Make the inner build shares the outer one's jobs (--preset web: 2), as $(MAKE) does.
  if(CMAKE_GENERATOR MATCHES "Make")
    set(build_threaded "$(MAKE)" threaded_programs)
  else()
    set(build_threaded ${CMAKE_COMMAND} --build <BINARY_DIR> --target threaded_programs)
  endif()
  include(ExternalProject)
  ExternalProject_Add(threaded_lessons
    SOURCE_DIR ${PROJECT_SOURCE_DIR}
    BINARY_DIR ${CMAKE_BINARY_DIR}/threads
    CMAKE_ARGS -DCMAKE_TOOLCHAIN_FILE=${CMAKE_TOOLCHAIN_FILE} -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}
               -DRNNLAB_WEB_THREADED=ON -DRNNLAB_BUILD_TESTS=OFF
    BUILD_COMMAND ${build_threaded}
    BUILD_ALWAYS ON
    BUILD_BYPRODUCTS ${threaded_files}
    INSTALL_COMMAND "")
  set(pages "")
  foreach(slug ${ARGN})
    set(page ${site}/${slug}/index.html)
    set(copy_threaded "")
    set(threaded_inputs "")
    if(slug IN_LIST rnnlab_web_threaded_lessons)
      set(copy_threaded COMMAND ${CMAKE_COMMAND} -E copy ${threads}/${slug}.threads.js ${threads}/${slug}.threads.wasm
                        ${threads}/${slug}.threads.worker.js ${site}/${slug}/)
      set(threaded_inputs threaded_lessons ${threads}/${slug}.threads.js)
    endif()
    add_custom_command(OUTPUT ${page}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${site}/${slug}
      COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE_DIR:${slug}>/${slug}.js $<TARGET_FILE_DIR:${slug}>/${slug}.wasm
              ${site}/${slug}/
      ${copy_threaded}
      COMMAND ${RNNLAB_NODE} ${runner} ${rnnlab_web_mounts_${slug}} ${site}/${slug}/${slug}.js --quick --seed 0
              --out ${site}/${slug}
      DEPENDS ${slug} ${runner} ${threaded_inputs}
      COMMENT "Running lesson ${slug} (quick) in WebAssembly for its page")
    list(APPEND pages ${page})
  endforeach()
  add_custom_command(OUTPUT ${site}/worker.js ${site}/isolate.js
    COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_CURRENT_SOURCE_DIR}/web/worker.js
            ${CMAKE_CURRENT_SOURCE_DIR}/web/isolate.js ${site}/
    DEPENDS web/worker.js web/isolate.js)
  # One lesson's page alone (page_02_autograd, say): to look at one page without building the whole site.
  foreach(slug ${ARGN})
    add_custom_target(page_${slug} DEPENDS ${site}/${slug}/index.html ${site}/worker.js)
  endforeach()
  add_custom_target(site ALL
    COMMAND ${RNNLAB_NODE} ${runner} $<TARGET_FILE_DIR:run_course>/run_course.js --index-only --out ${site}
    DEPENDS ${pages} ${site}/worker.js run_course
    COMMENT "Writing the course index of the web site")
endfunction()
