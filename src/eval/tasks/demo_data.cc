// The demo's built-in text and task items (see builtin_data.h), written for cratio in the
// style of TinyStories: short sentences and the words a small story model knows. Each
// task item has one natural continuation and two that make no sense; gold positions
// rotate 0, 1, 2 so position bias cannot score.
#include "eval/tasks/builtin_data.h"

namespace cratio {

std::string_view BuiltinDemoText() {
  static constexpr std::string_view kText = R"text(Once upon a time, there was a little girl named Lily. She liked to play in the park with her red ball. One day, the sun was warm and the sky was blue. Lily took her ball and ran to the park with her mom.

At the park, Lily saw a big dog. The dog was brown and it had a long tail. The dog wanted to play with the ball too. Lily threw the ball and the dog ran fast to get it. The dog brought the ball back to Lily. She laughed and said, "Good dog! You are fast!"

Lily and the dog played all day. When the sun went down, her mom said, "Lily, it is time to go home." Lily gave the dog a big hug. She was tired but very happy. That night, she dreamed about the brown dog and the red ball.

Tom was a small boy who lived in a little house near the woods. He had a toy car that he loved very much. Every day, he played with his car on the floor of his room. The car was blue and it went very fast.

One day, Tom could not find his car. He looked under the bed. He looked in the box. He looked behind the door. The car was not there. Tom felt sad and he started to cry.

His sister Sue came into the room. "Why are you sad, Tom?" she asked. "I lost my car," said Tom. Sue smiled and said, "Let me help you." Sue and Tom looked together. Soon Sue found the car in the garden, next to a big tree. Tom was so happy. He said, "Thank you, Sue! You are the best sister." From that day, Tom always put his car back in the box.

Once there was a little bird who lived in a tree. The bird liked to sing in the morning. Every day, the bird sang a happy song, and all the animals in the forest came to listen.

One morning, the bird could not sing. Her throat hurt and she felt sick. The animals were worried. The rabbit brought her a carrot. The squirrel brought her a nut. The bear brought her some honey. The bird ate the honey and slowly she felt better.

The next day, the bird sang again. Her song was louder and more beautiful than before. "Thank you, my friends," she sang. "You helped me when I was sick." The animals smiled. They knew that friends help each other.

Ben and Mia were best friends. They liked to build things with blocks. One day, they wanted to build a very tall tower. Ben put a red block on the floor. Mia put a yellow block on top. They added more and more blocks. The tower grew taller and taller.

Then the cat came into the room. The cat jumped on the table and hit the tower with its tail. The tower fell down with a big crash. Ben was angry. "Bad cat!" he shouted. Mia was sad, but then she had an idea. "Let's build it again," she said. "This time we can make it even better."

So Ben and Mia built the tower again. This time they made it wide at the bottom and small at the top. The cat came back, but the tower did not fall. Ben and Mia clapped their hands. They were proud of their strong tower.

Once upon a time, there was a kind old man who had a garden. In the garden, he grew red apples, green peas and tall yellow flowers. He worked in his garden every day, and he gave water to all the plants.

One day, a little girl named Anna walked by the garden. She looked at the apples and she felt hungry. "Can I have an apple, please?" she asked. The old man smiled. "Yes, you can," he said. "But first, can you help me pick the peas?" Anna said yes. She helped the old man pick the peas and put them in a big basket.

When they were done, the old man gave Anna two shiny apples. One was for her and one was for her mom. Anna said thank you and ran home. Her mom was very happy to get the apple. After that day, Anna came to help in the garden every week.

Sam had a little boat. He liked to take it to the lake near his house. One sunny day, Sam put his boat in the water. The wind blew and the boat moved across the lake. Sam ran along the shore and watched it go.

Suddenly, the wind blew very hard. The boat went far away, into the middle of the lake. Sam could not reach it. He was scared that he would lose his boat. Then a big duck swam to the boat. The duck pushed the boat with its head, and the boat came back to the shore.

Sam picked up his boat. "Thank you, duck!" he said. He gave the duck some bread from his bag. The duck ate the bread and quacked. Sam and the duck became good friends, and Sam came to the lake every day to see him.

There once was a little cat named Kitty. Kitty liked to sleep in the sun. She had soft white fur and big green eyes. Every morning, she sat by the window and looked at the birds outside.

One day, Kitty saw a small mouse in the kitchen. The mouse was looking for cheese. Kitty wanted to catch the mouse, but the mouse was too fast. It ran into a little hole in the wall. Kitty sat by the hole and waited. She waited and waited, but the mouse did not come out.

At last, Kitty got bored. She went back to the window and fell asleep in the warm sun. The mouse came out of the hole, took a piece of cheese and ran back home. When Kitty woke up, she did not even know that the mouse had been there.

Lucy loved the rain. When it rained, she put on her yellow coat and her red boots. Then she went outside to jump in the puddles. Splash, splash! The water went everywhere. Lucy laughed and laughed.

One rainy day, Lucy saw a small frog in a puddle. The frog was green and it had big eyes. "Hello, frog," said Lucy. "Do you like the rain too?" The frog said, "Ribbit!" and jumped into the next puddle. Lucy jumped after it. They jumped from puddle to puddle all the way down the street.

When the rain stopped, the frog hopped into the grass and went home. Lucy waved goodbye. She went back inside, took off her wet boots, and drank a cup of warm milk. It was the best rainy day ever.

Max was a big, friendly dog. He lived with a family in a house with a big yard. Max liked to run, to dig holes, and to chase the ball. But most of all, Max liked to play with the children, Tim and Jane.

One day, Tim and Jane went to school and Max was alone. He felt lonely and bored. He walked around the yard. He dug a hole under a tree. He barked at a bird. Nothing was fun without the children.

In the afternoon, Max heard a sound at the gate. It was Tim and Jane! They were home from school. Max ran to them and wagged his tail very fast. The children hugged Max and threw the ball for him. Max was happy again, because his best friends were home.

Once upon a time, a little girl named Emma wanted to make a cake for her dad. It was his birthday. Emma asked her mom to help her. They got flour, sugar, eggs and milk. They mixed everything in a big bowl.

Emma put the cake in the oven. Soon the whole house smelled sweet and good. When the cake was ready, Emma put pink frosting on top. She also put a big candle in the middle.

When Dad came home, Emma and Mom sang a happy birthday song. Dad smiled a big smile. He blew out the candle and ate a piece of cake. "This is the best cake in the world," he said. Emma felt very proud. She hugged her dad and said, "Happy birthday, Dad!"

Jack had a red kite. One windy day, he took his kite to the hill. He ran fast and the kite went up into the sky. It flew higher and higher, above the trees and the houses. Jack held the string tight.

Then the kite got stuck in a tall tree. Jack pulled the string, but the kite did not come down. Jack was sad. His friend Lily came to help. She was good at climbing. Lily climbed the tree and got the kite down. Jack said, "Thank you, Lily!" They flew the kite together until it was time for dinner.
)text";
  return kText;
}

std::string_view BuiltinDemoTaskJsonl() {
  static constexpr std::string_view kItems = R"jsonl({"id": "01", "slice": "food", "prompt": "Lily was very hungry, so she ate a big", "choices": ["apple.", "chair.", "sky."], "gold": 0}
{"id": "02", "slice": "food", "prompt": "Tom was thirsty after playing. He asked his mom for a glass of", "choices": ["shoes.", "water.", "trees."], "gold": 1}
{"id": "03", "slice": "food", "prompt": "It was Dad's birthday, so Mom baked a big chocolate", "choices": ["car.", "rock.", "cake."], "gold": 2}
{"id": "04", "slice": "food", "prompt": "The little bear found a tree full of sweet", "choices": ["honey.", "socks.", "cars."], "gold": 0}
{"id": "05", "slice": "food", "prompt": "In the morning, Ben ate a bowl of", "choices": ["rain.", "soup.", "doors."], "gold": 1}
{"id": "06", "slice": "food", "prompt": "The rabbit was hungry. It ate a long orange", "choices": ["hat.", "moon.", "carrot."], "gold": 2}
{"id": "07", "slice": "food", "prompt": "Sue poured cold milk into her", "choices": ["cup.", "sun.", "dog."], "gold": 0}
{"id": "08", "slice": "food", "prompt": "Mom cut the bread and made a", "choices": ["mountain.", "sandwich.", "river."], "gold": 1}
{"id": "09", "slice": "animals", "prompt": "The dog saw the cat and started to", "choices": ["read.", "cook.", "bark."], "gold": 2}
{"id": "10", "slice": "animals", "prompt": "The little bird opened its wings and began to", "choices": ["fly.", "drive.", "write."], "gold": 0}
{"id": "11", "slice": "animals", "prompt": "The fish swam fast in the", "choices": ["oven.", "water.", "bed."], "gold": 1}
{"id": "12", "slice": "animals", "prompt": "The cat sat by the window and said,", "choices": ["\"Moo!\"", "\"Quack!\"", "\"Meow!\""], "gold": 2}
{"id": "13", "slice": "animals", "prompt": "The duck swam across the", "choices": ["pond.", "table.", "book."], "gold": 0}
{"id": "14", "slice": "animals", "prompt": "The cow lived on a", "choices": ["cloud.", "farm.", "spoon."], "gold": 1}
{"id": "15", "slice": "animals", "prompt": "The happy dog wagged its", "choices": ["book.", "car.", "tail."], "gold": 2}
{"id": "16", "slice": "animals", "prompt": "The frog jumped into the", "choices": ["pond.", "oven.", "box of toys."], "gold": 0}
{"id": "17", "slice": "places", "prompt": "Lily and her mom went to the park to play on the", "choices": ["stove.", "swings.", "roof."], "gold": 1}
{"id": "18", "slice": "places", "prompt": "At night, Tom went to his room and got into his", "choices": ["car.", "soup.", "bed."], "gold": 2}
{"id": "19", "slice": "places", "prompt": "Ben put on his coat and went outside to play in the", "choices": ["snow.", "oven.", "bath."], "gold": 0}
{"id": "20", "slice": "places", "prompt": "The children went to the beach to build a sand", "choices": ["bed.", "castle.", "dog."], "gold": 1}
{"id": "21", "slice": "places", "prompt": "Anna went to school and sat at her", "choices": ["cloud.", "pond.", "desk."], "gold": 2}
{"id": "22", "slice": "places", "prompt": "The boat sailed across the big blue", "choices": ["sea.", "bed.", "shoe."], "gold": 0}
{"id": "23", "slice": "places", "prompt": "Sam climbed up the tall tree and sat on a", "choices": ["plate.", "branch.", "fish."], "gold": 1}
{"id": "24", "slice": "places", "prompt": "The family drove the car to the", "choices": ["moon.", "cup.", "store."], "gold": 2}
{"id": "25", "slice": "feelings", "prompt": "Lily lost her favorite toy. She was very", "choices": ["sad.", "blue and round.", "tall."], "gold": 0}
{"id": "26", "slice": "feelings", "prompt": "Tom got a new puppy for his birthday. He was so", "choices": ["wet.", "happy.", "round."], "gold": 1}
{"id": "27", "slice": "feelings", "prompt": "The loud thunder made the little girl feel", "choices": ["green.", "hungry for cake.", "scared."], "gold": 2}
{"id": "28", "slice": "feelings", "prompt": "When Mom came home, the children ran to give her a big", "choices": ["hug.", "rock.", "bath."], "gold": 0}
{"id": "29", "slice": "feelings", "prompt": "Ben broke his mom's vase. He said, \"I am", "choices": ["a tree.\"", "sorry.\"", "blue.\""], "gold": 1}
{"id": "30", "slice": "feelings", "prompt": "Sue helped her friend pick up the toys. Her friend said, \"Thank", "choices": ["tree!\"", "car!\"", "you!\""], "gold": 2}
{"id": "31", "slice": "feelings", "prompt": "After playing all day, Max was very", "choices": ["tired.", "green.", "square."], "gold": 0}
{"id": "32", "slice": "feelings", "prompt": "The boy wanted to play, but it was raining. He felt", "choices": ["blue paint.", "sad.", "wooden."], "gold": 1}
{"id": "33", "slice": "things", "prompt": "Tom kicked the ball and it went into the", "choices": ["soup.", "sky pie.", "goal."], "gold": 2}
{"id": "34", "slice": "things", "prompt": "Lily took her paper and her pencil and drew a pretty", "choices": ["flower.", "soup.", "rain."], "gold": 0}
{"id": "35", "slice": "things", "prompt": "It was cold outside, so Mom put on her warm", "choices": ["cake.", "coat.", "fish."], "gold": 1}
{"id": "36", "slice": "things", "prompt": "Ben opened the door with a little", "choices": ["apple.", "bird.", "key."], "gold": 2}
{"id": "37", "slice": "things", "prompt": "Lily read a story from her favorite", "choices": ["book.", "shoe.", "dog."], "gold": 0}
{"id": "38", "slice": "things", "prompt": "Tim wanted to see in the dark, so he turned on the", "choices": ["dog.", "light.", "soup."], "gold": 1}
{"id": "39", "slice": "things", "prompt": "Before bed, the girl went to the bathroom to brush her", "choices": ["cake.", "car.", "teeth."], "gold": 2}
{"id": "40", "slice": "things", "prompt": "To fly the kite, Jack held the long", "choices": ["string.", "apple.", "door."], "gold": 0}
{"id": "41", "slice": "time", "prompt": "The sun went down and it was dark. It was time to go to", "choices": ["cake.", "bed.", "tree."], "gold": 1}
{"id": "42", "slice": "time", "prompt": "In the morning, the sun came up and the bird began to", "choices": ["sleep.", "cook.", "sing."], "gold": 2}
{"id": "43", "slice": "time", "prompt": "It was winter, and the ground was covered with white", "choices": ["snow.", "grass.", "sand."], "gold": 0}
{"id": "44", "slice": "time", "prompt": "The stars came out and the big round moon shone in the", "choices": ["cup.", "sky.", "shoe."], "gold": 1}
{"id": "45", "slice": "time", "prompt": "It was a hot summer day, so the children jumped into the cool", "choices": ["fire.", "bread.", "water."], "gold": 2}
{"id": "46", "slice": "time", "prompt": "Every night, before bed, Mom read Lily a", "choices": ["story.", "shoe.", "carrot."], "gold": 0}
{"id": "47", "slice": "time", "prompt": "When the rain stopped, they saw a big", "choices": ["spoon.", "rainbow.", "shoe."], "gold": 1}
{"id": "48", "slice": "time", "prompt": "Once upon a", "choices": ["dog,", "spoon,", "time,"], "gold": 2}
)jsonl";
  return kItems;
}

}  // namespace cratio
