// The client lives in pages/index/index.js so the whole example reads in one file; in an app
// of your own, create it once in utils/http.js and require that from every page.
App({})
