//! The texts of the data manager's card: the study's users and devices on its server.

use ecrf_core::i18n::Lang;
use ecrf_core::sync::api::Role;

messages! {
    AdminMsg;
    Title => ("Study users and devices", "研究用户与设备"),
    Hint => ("As the data manager you add the people who work on the study, give a new temporary passphrase to someone who forgot theirs, and revoke an account or a lost tablet. Passphrases are turned into keys on this tablet: the server never sees them.",
             "作为数据管理员，您可以添加参与研究的人员、为忘记口令的人设置新的临时口令，以及停用账号或丢失的设备。口令在本设备上转换为密钥：服务器永远看不到口令。"),
    Users => ("Users", "用户"),
    Devices => ("Devices", "设备"),
    Name => ("User name", "用户名"),
    Role => ("Role", "角色"),
    Status => ("Status", "状态"),
    Added => ("Added", "添加时间"),
    Active => ("active", "正常"),
    Temporary => ("temporary passphrase", "临时口令"),
    Revoked => ("revoked", "已停用"),
    Device => ("Device", "设备"),
    RegisteredBy => ("Signed in first by", "首次登录用户"),
    LastSeen => ("Last seen", "最近连接"),
    Commits => ("Records on the server", "服务器上的记录"),
    ThisTablet => ("this tablet", "本设备"),
    Revoke => ("Revoke", "停用"),
    RevokeUserConfirm => ("Revoke this account? Its sessions end at once; its earlier records stay valid.", "停用此账号？其会话立即结束；之前的记录仍然有效。"),
    RevokeDeviceConfirm => ("Revoke this tablet (lost or stolen)? It can no longer sign in or send; the records it sent stay valid.", "停用此设备（丢失或被盗）？它将无法登录或发送；已发送的记录仍然有效。"),
    YesRevoke => ("Yes, revoke", "确认停用"),
    Cancel => ("Cancel", "取消"),
    Reset => ("New temporary passphrase", "设置新临时口令"),
    ResetHint => ("For a user who forgot their passphrase: tell them the temporary one in person; they choose their own at the next sign-in.", "用于忘记口令的用户：请当面告知临时口令；其下次登录时设置自己的口令。"),
    ResetDone => ("New temporary passphrase set for", "已设置新临时口令："),
    AddTitle => ("Add a user", "添加用户"),
    TempPassphrase => ("Temporary passphrase", "临时口令"),
    TempPassphraseAgain => ("Temporary passphrase again", "再次输入临时口令"),
    Add => ("Add the user", "添加用户"),
    AddedUser => ("Added", "已添加"),
    AddedHint => ("they choose their own passphrase at the first sign-in.", "首次登录时设置自己的口令。"),
    RevokedDone => ("Revoked", "已停用"),
    BadName => ("A user name is 1 to 64 letters, digits, '.', '_', '-' or '@' (no spaces).", "用户名为 1 至 64 个字母、数字、“.”、“_”、“-”或“@”（不含空格）。"),
    Working => ("Working… (a new passphrase takes a few seconds: the study key is wrapped for it on this tablet)", "正在处理……（新口令需要几秒钟：研究密钥在本设备上为其加密）"),
    Loading => ("Loading…", "正在加载……"),
    Refresh => ("Refresh", "刷新"),
    Failed => ("Not done:", "未完成："),
    Never => ("never", "从未"),
}

/// A role's name in `lang`.
pub fn role_name(role: Role, lang: Lang) -> &'static str {
    match (role, lang) {
        (Role::DataManager, Lang::En) => "data manager",
        (Role::DataManager, Lang::ZhCn) => "数据管理员",
        (Role::Investigator, Lang::En) => "investigator",
        (Role::Investigator, Lang::ZhCn) => "研究者",
        (Role::Coordinator, Lang::En) => "coordinator",
        (Role::Coordinator, Lang::ZhCn) => "研究协调员",
        (Role::Monitor, Lang::En) => "monitor (read-only)",
        (Role::Monitor, Lang::ZhCn) => "监查员（只读）",
    }
}
