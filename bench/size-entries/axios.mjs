export { default as axios, AxiosError } from 'axios'
export { createAuthRefresh } from 'axios-auth-refresh'
