'use strict'
// RequestError (an Error with `kind`, recognised across realms) and the response shape.

function RequestError(fields, config) {
  var error = new Error(fields.message)
  error.name = 'RequestError'
  error.kind = fields.kind
  error.errMsg = fields.errMsg
  error.statusCode = fields.statusCode
  error.response = fields.response ? toResponse(fields.response, config) : undefined
  error.config = config
  if (fields.cause !== undefined) error.cause = fields.cause
  return error
}

// Recognised across realms (another copy of the library, another page's context).
function isRequestError(value) {
  return !!value && value.name === 'RequestError' && typeof value.kind === 'string' && typeof value.message === 'string'
}

function toResponse(raw, config) {
  return { data: raw.data, statusCode: raw.statusCode, header: raw.header, config: config }
}

function describe(config) {
  var method = config && typeof config.method === 'string' ? config.method.toUpperCase() : 'GET'
  return method + ' ' + (config && config.url)
}

module.exports = { RequestError: RequestError, isRequestError: isRequestError, toResponse: toResponse, describe: describe }
