// An error whose message is for the person at the panel (Chinese); the contract carries it to
// the screen as { code, message } instead of the generic "主机处理请求时出错".
export class UserFacingError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'UserFacingError';
  }
}
