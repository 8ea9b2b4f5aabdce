# web.mk - the dashboard's assets (collector/web/) compiled into the
# collector.  Included by the top Makefile before its library rules.
#
# collector/web/bundle.sh joins collector/web/js/*.js (in name order) into
# $(OUT)/gen/app.js; collector/web/embed.sh turns it and every other asset
# into a byte array of $(OUT)/gen/web_assets.c, which joins libcollector.a
# (GEN_OBJ) and the fuzz library (GEN_SRC, compiled there as
# $(BUILD)/fuzz/obj/...).

WEB_JS     := $(sort $(wildcard collector/web/js/*.js))
WEB_APP_JS := $(OUT)/gen/app.js
WEB_ASSETS := $(sort $(wildcard collector/web/*.html collector/web/*.css \
                                collector/web/*.svg)) $(WEB_APP_JS)
WEB_GEN_C  := $(OUT)/gen/web_assets.c
WEB_GEN_O  := $(OUT)/gen/web_assets.o

GEN_SRC += $(WEB_GEN_C)
GEN_OBJ += $(WEB_GEN_O)

$(WEB_APP_JS): $(WEB_JS) collector/web/bundle.sh collector/web.mk
	@mkdir -p $(dir $@)
	sh collector/web/bundle.sh $(WEB_JS) >$@.tmp
	@mv $@.tmp $@

$(WEB_GEN_C): $(WEB_ASSETS) collector/web/embed.sh collector/web.mk
	@mkdir -p $(dir $@)
	sh collector/web/embed.sh $(WEB_ASSETS) >$@.tmp
	@mv $@.tmp $@

$(WEB_GEN_O): $(WEB_GEN_C)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<
