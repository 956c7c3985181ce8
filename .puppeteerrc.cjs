// @asyncapi/html-template depends on puppeteer; we never use its browser (docs tests drive Debian's chromium).
module.exports = { skipDownload: true };
