cmd_Release/obj.target/better_sqlite3/src/better_sqlite3.o := g++ -o Release/obj.target/better_sqlite3/src/better_sqlite3.o ../src/better_sqlite3.cpp '-DNODE_GYP_MODULE_NAME=better_sqlite3' '-DUSING_UV_SHARED=1' '-DUSING_V8_SHARED=1' '-DV8_DEPRECATION_WARNINGS=1' '-D_GLIBCXX_USE_CXX11_ABI=1' '-D_FILE_OFFSET_BITS=64' '-D_LARGEFILE_SOURCE' '-DV8_ENABLE_WEBASSEMBLY' '-D__STDC_FORMAT_MACROS' '-DOPENSSL_NO_PINSHARED' '-DOPENSSL_THREADS' '-DBUILDING_NODE_EXTENSION' '-DNDEBUG' -I../../../../.ci/tools/node_modules/node24/include/node -I../../../../.ci/tools/node_modules/node24/src -I../../../../.ci/tools/node_modules/node24/deps/openssl/config -I../../../../.ci/tools/node_modules/node24/deps/openssl/openssl/include -I../../../../.ci/tools/node_modules/node24/deps/uv/include -I../../../../.ci/tools/node_modules/node24/deps/zlib -I../../../../.ci/tools/node_modules/node24/deps/v8/include -I./Release/obj/gen/sqlite3  -fPIC -pthread -Wall -Wextra -Wno-unused-parameter -m64 -O3 -O3 -fno-omit-frame-pointer -fno-rtti -fno-exceptions -fno-strict-aliasing -std=gnu++20 -std=c++20 -MMD -MF ./Release/.deps/Release/obj.target/better_sqlite3/src/better_sqlite3.o.d.raw   -c
Release/obj.target/better_sqlite3/src/better_sqlite3.o: \
 ../src/better_sqlite3.cpp Release/obj/gen/sqlite3/sqlite3.h \
 ../../../../.ci/tools/node_modules/node24/include/node/node.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8.h \
 ../../../../.ci/tools/node_modules/node24/include/node/cppgc/common.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8config.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-array-buffer.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-local-handle.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-handle-base.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-internal.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8config.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-memory-span.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-object.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-maybe.h \
 ../../../../.ci/tools/node_modules/node24/include/node/cppgc/internal/conditional-stack-allocated.h \
 ../../../../.ci/tools/node_modules/node24/include/node/cppgc/macros.h \
 ../../../../.ci/tools/node_modules/node24/include/node/cppgc/internal/compiler-specific.h \
 ../../../../.ci/tools/node_modules/node24/include/node/cppgc/type-traits.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-persistent-handle.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-weak-callback-info.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-primitive.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-data.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-value.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-sandbox.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-traced-handle.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-platform.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-source-location.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-container.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-context.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-snapshot.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-isolate.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-callbacks.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-promise.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-debug.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-script.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-message.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-embedder-heap.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-exception.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-function-callback.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-microtask.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-statistics.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-unwinder.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-embedder-state-scope.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-date.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-extension.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-external.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-function.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-template.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-initialization.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-json.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-locker.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-microtask-queue.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-primitive-object.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-proxy.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-regexp.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-typed-array.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-value-serializer.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-version.h \
 ../../../../.ci/tools/node_modules/node24/include/node/v8-wasm.h \
 ../../../../.ci/tools/node_modules/node24/include/node/node_version.h \
 ../../../../.ci/tools/node_modules/node24/include/node/node_api.h \
 ../../../../.ci/tools/node_modules/node24/include/node/js_native_api.h \
 ../../../../.ci/tools/node_modules/node24/include/node/js_native_api_types.h \
 ../../../../.ci/tools/node_modules/node24/include/node/node_api_types.h \
 ../../../../.ci/tools/node_modules/node24/include/node/node_object_wrap.h \
 ../../../../.ci/tools/node_modules/node24/include/node/node.h \
 ../../../../.ci/tools/node_modules/node24/include/node/node_buffer.h \
 ../src/util/macros.cpp ../src/util/helpers.cpp ../src/util/constants.cpp \
 ../src/util/bind-map.cpp ../src/util/data-converter.cpp \
 ../src/util/data.cpp ../src/util/row-builder.cpp \
 ../src/objects/backup.hpp ../src/objects/statement.hpp \
 ../src/objects/database.hpp ../src/addon.cpp \
 ../src/objects/statement-iterator.hpp ../src/util/query-macros.cpp \
 ../src/util/custom-function.cpp ../src/util/custom-aggregate.cpp \
 ../src/util/custom-table.cpp ../src/util/binder.cpp \
 ../src/objects/backup.cpp ../src/objects/statement.cpp \
 ../src/objects/database.cpp ../src/objects/statement-iterator.cpp
../src/better_sqlite3.cpp:
Release/obj/gen/sqlite3/sqlite3.h:
../../../../.ci/tools/node_modules/node24/include/node/node.h:
../../../../.ci/tools/node_modules/node24/include/node/v8.h:
../../../../.ci/tools/node_modules/node24/include/node/cppgc/common.h:
../../../../.ci/tools/node_modules/node24/include/node/v8config.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-array-buffer.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-local-handle.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-handle-base.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-internal.h:
../../../../.ci/tools/node_modules/node24/include/node/v8config.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-memory-span.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-object.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-maybe.h:
../../../../.ci/tools/node_modules/node24/include/node/cppgc/internal/conditional-stack-allocated.h:
../../../../.ci/tools/node_modules/node24/include/node/cppgc/macros.h:
../../../../.ci/tools/node_modules/node24/include/node/cppgc/internal/compiler-specific.h:
../../../../.ci/tools/node_modules/node24/include/node/cppgc/type-traits.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-persistent-handle.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-weak-callback-info.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-primitive.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-data.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-value.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-sandbox.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-traced-handle.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-platform.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-source-location.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-container.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-context.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-snapshot.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-isolate.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-callbacks.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-promise.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-debug.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-script.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-message.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-embedder-heap.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-exception.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-function-callback.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-microtask.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-statistics.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-unwinder.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-embedder-state-scope.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-date.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-extension.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-external.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-function.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-template.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-initialization.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-json.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-locker.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-microtask-queue.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-primitive-object.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-proxy.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-regexp.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-typed-array.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-value-serializer.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-version.h:
../../../../.ci/tools/node_modules/node24/include/node/v8-wasm.h:
../../../../.ci/tools/node_modules/node24/include/node/node_version.h:
../../../../.ci/tools/node_modules/node24/include/node/node_api.h:
../../../../.ci/tools/node_modules/node24/include/node/js_native_api.h:
../../../../.ci/tools/node_modules/node24/include/node/js_native_api_types.h:
../../../../.ci/tools/node_modules/node24/include/node/node_api_types.h:
../../../../.ci/tools/node_modules/node24/include/node/node_object_wrap.h:
../../../../.ci/tools/node_modules/node24/include/node/node.h:
../../../../.ci/tools/node_modules/node24/include/node/node_buffer.h:
../src/util/macros.cpp:
../src/util/helpers.cpp:
../src/util/constants.cpp:
../src/util/bind-map.cpp:
../src/util/data-converter.cpp:
../src/util/data.cpp:
../src/util/row-builder.cpp:
../src/objects/backup.hpp:
../src/objects/statement.hpp:
../src/objects/database.hpp:
../src/addon.cpp:
../src/objects/statement-iterator.hpp:
../src/util/query-macros.cpp:
../src/util/custom-function.cpp:
../src/util/custom-aggregate.cpp:
../src/util/custom-table.cpp:
../src/util/binder.cpp:
../src/objects/backup.cpp:
../src/objects/statement.cpp:
../src/objects/database.cpp:
../src/objects/statement-iterator.cpp:
