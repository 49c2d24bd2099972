//! The texts of carrying records on a USB stick (bundle files, for a site with no network).

use ecrf_core::i18n::Lang;

messages! {
    CarryMsg;
    Title => ("Records on a USB stick", "通过 U 盘传递记录"),
    Hint => ("For a site with no network: save this tablet's records that the study's server does not have yet in a bundle file, sealed with the study's key (unreadable without it), and carry it to a tablet with network, which imports it and sends it on. Importing the same file twice changes nothing.",
             "用于没有网络的场所：将研究服务器尚未收到的本设备记录保存为数据包文件（以研究密钥加密，无密钥无法读取），带到有网络的设备导入后转发。重复导入同一文件不会产生任何变化。"),
    NeedKey => ("Without network, open the study's key with your study account (it must have signed in on this tablet once with network).",
                "无网络时，请用研究账号打开研究密钥（该账号须曾在本设备联网登录过一次）。"),
    NeverSignedIn => ("This tablet has never signed in to the study's server: sign in once with network first, or carry the file to a tablet that has.",
                      "本设备从未登录研究服务器：请先联网登录一次，或将文件带到已登录过的设备。"),
    User => ("Study user name", "研究用户名"),
    Passphrase => ("Passphrase", "口令"),
    Open => ("Open the study key", "打开研究密钥"),
    Opening => ("Deriving the key: a few seconds…", "正在生成密钥：需要几秒钟……"),
    KeyOpen => ("The study key is open (until the tablet is locked) for", "研究密钥已打开（直到锁定本设备）："),
    Save => ("Save a bundle file", "保存数据包文件"),
    Import => ("Import a bundle file", "导入数据包文件"),
    Saved => ("records saved in", "条记录已保存到"),
    Imported => ("records in the file, new on this tablet:", "条记录在文件中，本设备新增："),
    ImportedHint => ("They are sent to the study's server at this tablet's next exchange.", "它们将在本设备下次交换时发送到研究服务器。"),
    NothingToCarry => ("Nothing to carry: the study's server already has every record of this tablet.", "无需传递：研究服务器已有本设备的全部记录。"),
    ReadOnly => ("A monitor's account only receives: it imports bundle files but saves none.", "监查员账号只接收：可导入数据包文件，但不能保存。"),
    WrongPassphrase => ("Wrong passphrase.", "口令错误。"),
    UnknownUser => ("This tablet keeps no key for this study user: check the name, or sign in once with network.", "本设备没有此研究用户的密钥：请检查用户名，或先联网登录一次。"),
    WrongStudy => ("This file belongs to another study: nothing was imported.", "此文件属于其他研究：未导入任何内容。"),
    TabletOfOtherStudy => ("This tablet's records belong to another study than this key's: nothing was done.", "本设备的记录属于与此密钥不同的研究：未做任何操作。"),
    ImportedReadOnly => ("A monitor's account sends nothing: they stay on this tablet.", "监查员账号不发送数据：它们仅保存在本设备。"),
    Bad => ("This file is not a readable bundle (cut off, altered or sealed with another key): nothing was imported.", "此文件不是可读取的数据包（不完整、被修改或使用其他密钥加密）：未导入任何内容。"),
    Failed => ("Not done:", "未完成："),
}
